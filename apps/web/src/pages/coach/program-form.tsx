// The timer program as a coach writes it: a preset with its few numbers, or
// custom segments. What the form holds is turned into a `timerProgramInput`
// and checked here (the contract's schema, then the domain's own rules), so a
// program that cannot be set says which field is wrong before it is sent.
import {
  segmentKind,
  timerBounds,
  timerProgramInput,
  type SegmentKind,
  type TimerPreset,
  type TimerProgram,
  type TimerProgramInput,
} from '#contracts';
import { normalizeTimerProgram, totalMs } from '#domain';
import { clockText } from '../../components/format.js';

export interface SegmentDraft {
  kind: SegmentKind;
  label: string;
  seconds: string;
}

/** What the form holds: text, as the inputs give it. */
export interface ProgramDraft {
  preset: TimerPreset;
  prepareSec: string;
  workSec: string;
  restSec: string;
  rounds: string;
  minutes: string;
  cooldownSec: string;
  segments: SegmentDraft[];
  /** Custom rounds repeat until the coach stops them. */
  unbounded: boolean;
}

export const initialDraft: ProgramDraft = {
  preset: 'tabata',
  prepareSec: '10',
  workSec: '20',
  restSec: '10',
  rounds: '8',
  minutes: '10',
  cooldownSec: '0',
  segments: [
    { kind: 'work', label: 'Work', seconds: '40' },
    { kind: 'rest', label: 'Rest', seconds: '20' },
  ],
  unbounded: false,
};

export const presetNames: Record<TimerPreset, string> = {
  tabata: 'Tabata',
  emom: 'EMOM',
  amrap: 'AMRAP',
  stopwatch: 'Stopwatch',
  custom: 'Custom',
};
const presets: TimerPreset[] = ['tabata', 'emom', 'amrap', 'stopwatch', 'custom'];

const whole = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** The draft as the API takes it; `unknown` until the schema has looked at it. */
function inputOf(draft: ProgramDraft): unknown {
  const prepareSec = whole(draft.prepareSec);
  const cooldownSec = whole(draft.cooldownSec);
  switch (draft.preset) {
    case 'stopwatch':
      return { preset: 'stopwatch', prepareSec };
    case 'tabata':
      return {
        preset: 'tabata',
        prepareSec,
        workSec: whole(draft.workSec),
        restSec: whole(draft.restSec),
        rounds: whole(draft.rounds),
        cooldownSec,
      };
    case 'emom':
    case 'amrap':
      return { preset: draft.preset, minutes: whole(draft.minutes), prepareSec, cooldownSec };
    case 'custom':
      return {
        preset: 'custom',
        prepareSec,
        segments: draft.segments.map(({ kind, label, seconds }) => ({
          kind,
          ...(label.trim() && { label: label.trim() }),
          durationSec: whole(seconds),
        })),
        rounds: draft.unbounded ? 'unbounded' : whole(draft.rounds),
        ...(!draft.unbounded && { cooldownSec }),
      };
  }
}

export type CheckedProgram =
  { ok: true; input: TimerProgramInput; program: TimerProgram } | { ok: false; problem: string };

/** The program, or what is wrong with it, in a sentence naming the field. */
export function checkProgram(draft: ProgramDraft): CheckedProgram {
  const parsed = timerProgramInput.safeParse(inputOf(draft));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(' ') || 'program';
    return { ok: false, problem: `${field}: ${issue?.message ?? 'not valid'}` };
  }
  const normalized = normalizeTimerProgram(parsed.data);
  if (!normalized.ok) {
    const error = normalized.errors[0];
    return { ok: false, problem: error ? `${error.path}: ${error.message}` : 'not valid' };
  }
  return { ok: true, input: parsed.data, program: normalized.program };
}

/** "8 rounds · 4:10", "no end": what the coach is about to set. */
export function programSummary(program: TimerProgram): string {
  const total = totalMs(program);
  const rounds =
    program.segments.length === 0
      ? 'counts up'
      : program.rounds === 'unbounded'
        ? 'repeats until stopped'
        : `${program.rounds} round${program.rounds === 1 ? '' : 's'}`;
  return Number.isFinite(total) ? `${rounds} · ${clockText(total)} in all` : rounds;
}

interface NumberFieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  min: number;
  max: number;
  unit?: string;
}

function NumberField({ label, value, onInput, min, max, unit }: NumberFieldProps) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <span class="field-input">
        <input
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          step={1}
          value={value}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
        {unit && <span class="field-unit">{unit}</span>}
      </span>
    </label>
  );
}

export function ProgramForm({
  draft,
  onChange,
}: {
  draft: ProgramDraft;
  onChange: (draft: ProgramDraft) => void;
}) {
  const set = (change: Partial<ProgramDraft>) => onChange({ ...draft, ...change });
  const setSegment = (index: number, change: Partial<SegmentDraft>) =>
    set({ segments: draft.segments.map((entry, at) => (at === index ? { ...entry, ...change } : entry)) });
  return (
    <div class="program-form">
      <fieldset class="preset-choice">
        <legend>Program</legend>
        {presets.map((preset) => (
          <label key={preset} class={`preset-option${draft.preset === preset ? ' chosen' : ''}`}>
            <input
              type="radio"
              name="preset"
              value={preset}
              checked={draft.preset === preset}
              onChange={() => set({ preset })}
            />
            {presetNames[preset]}
          </label>
        ))}
      </fieldset>
      <div class="program-fields">
        {draft.preset === 'tabata' && (
          <>
            <NumberField
              label="Work"
              unit="s"
              value={draft.workSec}
              min={1}
              max={timerBounds.maxSegmentSec}
              onInput={(workSec) => set({ workSec })}
            />
            <NumberField
              label="Rest"
              unit="s"
              value={draft.restSec}
              min={1}
              max={timerBounds.maxSegmentSec}
              onInput={(restSec) => set({ restSec })}
            />
            <NumberField
              label="Rounds"
              value={draft.rounds}
              min={1}
              max={timerBounds.maxRounds}
              onInput={(rounds) => set({ rounds })}
            />
          </>
        )}
        {(draft.preset === 'emom' || draft.preset === 'amrap') && (
          <NumberField
            label="Minutes"
            unit="min"
            value={draft.minutes}
            min={1}
            max={timerBounds.maxMinutes}
            onInput={(minutes) => set({ minutes })}
          />
        )}
        <NumberField
          label="Get ready"
          unit="s"
          value={draft.prepareSec}
          min={0}
          max={timerBounds.maxPrepareSec}
          onInput={(prepareSec) => set({ prepareSec })}
        />
        {draft.preset !== 'stopwatch' && !(draft.preset === 'custom' && draft.unbounded) && (
          <NumberField
            label="Cool-down"
            unit="s"
            value={draft.cooldownSec}
            min={0}
            max={timerBounds.maxCooldownSec}
            onInput={(cooldownSec) => set({ cooldownSec })}
          />
        )}
      </div>
      {draft.preset === 'custom' && (
        <div class="segments">
          <ol class="segment-list">
            {draft.segments.map((entry, index) => (
              <li key={index} class="segment-row">
                <select
                  aria-label={`Segment ${index + 1} kind`}
                  value={entry.kind}
                  onChange={(event) => {
                    const kind = segmentKind.safeParse(event.currentTarget.value);
                    if (kind.success) setSegment(index, { kind: kind.data });
                  }}
                >
                  {segmentKind.options.map((kind) => (
                    <option key={kind} value={kind}>
                      {kind}
                    </option>
                  ))}
                </select>
                <input
                  type="text"
                  aria-label={`Segment ${index + 1} label`}
                  placeholder="Label"
                  maxLength={40}
                  value={entry.label}
                  onInput={(event) => setSegment(index, { label: event.currentTarget.value })}
                />
                <input
                  type="number"
                  inputMode="numeric"
                  aria-label={`Segment ${index + 1} seconds`}
                  min={1}
                  max={timerBounds.maxSegmentSec}
                  value={entry.seconds}
                  onInput={(event) => setSegment(index, { seconds: event.currentTarget.value })}
                />
                <button
                  type="button"
                  class="icon-button"
                  aria-label={`Remove segment ${index + 1}`}
                  disabled={draft.segments.length === 1}
                  onClick={() => set({ segments: draft.segments.filter((_, at) => at !== index) })}
                >
                  ✕
                </button>
              </li>
            ))}
          </ol>
          <div class="segment-actions">
            <button
              type="button"
              class="command secondary small"
              disabled={draft.segments.length >= timerBounds.maxSegments}
              onClick={() =>
                set({ segments: [...draft.segments, { kind: 'work', label: '', seconds: '30' }] })
              }
            >
              + Segment
            </button>
            {!draft.unbounded && (
              <NumberField
                label="Rounds"
                value={draft.rounds}
                min={1}
                max={timerBounds.maxRounds}
                onInput={(rounds) => set({ rounds })}
              />
            )}
            <label class="check">
              <input
                type="checkbox"
                checked={draft.unbounded}
                onChange={(event) => set({ unbounded: event.currentTarget.checked })}
              />
              Repeat until stopped
            </label>
          </div>
        </div>
      )}
    </div>
  );
}
