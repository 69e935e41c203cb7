// Programs: the presets and custom segments a coach writes, normalized into one
// shape, and that shape flattened into steps (prepare, each segment of each
// round, final cool-down) with their positions on the program's own timeline.
import {
  timerBounds,
  type SegmentKind,
  type TimerPhase,
  type TimerProgram,
  type TimerProgramInput,
  type TimerSegment,
} from '#contracts';

export const DEFAULT_PREPARE_SEC = 10;

const defaultLabels: Record<SegmentKind, string> = {
  work: 'Work',
  rest: 'Rest',
  warmup: 'Warm-up',
  cooldown: 'Cool-down',
};

export type ProgramError = { path: string; message: string };
export type NormalizeResult = { ok: true; program: TimerProgram } | { ok: false; errors: ProgramError[] };

const segment = (kind: SegmentKind, durationSec: number, label = defaultLabels[kind]): TimerSegment => ({
  kind,
  label,
  durationSec,
});

/** Turns a preset or custom input into a program, or says what makes no sense in it. */
export function normalizeTimerProgram(input: TimerProgramInput): NormalizeResult {
  const prepareSec = input.prepareSec ?? DEFAULT_PREPARE_SEC;
  const program = ((): TimerProgram => {
    switch (input.preset) {
      case 'stopwatch':
        return { preset: 'stopwatch', prepareSec, segments: [], rounds: 1, cooldownSec: 0 };
      case 'tabata':
        return {
          preset: 'tabata',
          prepareSec,
          segments: [segment('work', input.workSec ?? 20), segment('rest', input.restSec ?? 10)],
          rounds: input.rounds ?? 8,
          cooldownSec: input.cooldownSec ?? 0,
        };
      case 'emom':
        return {
          preset: 'emom',
          prepareSec,
          segments: [segment('work', 60, 'Minute')],
          rounds: input.minutes,
          cooldownSec: input.cooldownSec ?? 0,
        };
      case 'amrap':
        return {
          preset: 'amrap',
          prepareSec,
          segments: [segment('work', input.minutes * 60, 'AMRAP')],
          rounds: 1,
          cooldownSec: input.cooldownSec ?? 0,
        };
      case 'custom':
        return {
          preset: 'custom',
          prepareSec,
          segments: input.segments.map((entry) => segment(entry.kind, entry.durationSec, entry.label)),
          rounds: input.rounds,
          cooldownSec: input.cooldownSec ?? 0,
        };
    }
  })();
  const errors = programErrors(program);
  return errors.length === 0 ? { ok: true, program } : { ok: false, errors };
}

/** Rules across fields, which the input schema cannot say on its own. */
export function programErrors(program: TimerProgram): ProgramError[] {
  const errors: ProgramError[] = [];
  if (program.preset !== 'stopwatch' && program.segments.length === 0) {
    errors.push({ path: 'segments', message: 'a program needs at least one segment' });
  }
  if (program.rounds === 'unbounded' && program.cooldownSec > 0) {
    errors.push({
      path: 'cooldownSec',
      message:
        'a final cool-down is never reached with unbounded rounds: add it as a segment or bound the rounds',
    });
  }
  const total = totalMs(program);
  if (Number.isFinite(total) && total > timerBounds.maxTotalSec * 1000) {
    errors.push({
      path: '(root)',
      message: `the program lasts ${Math.round(total / 1000)} s; at most ${timerBounds.maxTotalSec} s`,
    });
  }
  return errors;
}

/** One step of the flattened program; `durationMs` is Infinity for the stopwatch's open step. */
export interface TimerStep {
  index: number;
  phase: TimerPhase;
  label: string;
  /** 0 for prepare; 1.. in the rounds; the last round for the final cool-down. */
  round: number;
  segmentIndex: number | null;
  /** Where the step starts on the program's timeline (ms from the start, pauses excluded). */
  startMs: number;
  durationMs: number;
}

const prepareMs = (program: TimerProgram) => program.prepareSec * 1000;
const roundCount = (program: TimerProgram) => (program.rounds === 'unbounded' ? Infinity : program.rounds);
const roundMs = (program: TimerProgram) =>
  program.segments.reduce((total, entry) => total + entry.durationSec * 1000, 0);
const isStopwatch = (program: TimerProgram) => program.segments.length === 0;

/** The program's length; Infinity for the stopwatch and unbounded rounds. */
export function totalMs(program: TimerProgram): number {
  if (isStopwatch(program) || program.rounds === 'unbounded') return Infinity;
  return prepareMs(program) + program.rounds * roundMs(program) + program.cooldownSec * 1000;
}

/** How many steps the program has; Infinity with unbounded rounds. */
export function stepCount(program: TimerProgram): number {
  const prepare = program.prepareSec > 0 ? 1 : 0;
  if (isStopwatch(program)) return prepare + 1;
  return prepare + roundCount(program) * program.segments.length + (program.cooldownSec > 0 ? 1 : 0);
}

/** The step at an index of the flattened program, or null past its end. */
export function stepAt(program: TimerProgram, index: number): TimerStep | null {
  if (!Number.isInteger(index) || index < 0) return null;
  let rest = index;
  if (program.prepareSec > 0) {
    if (rest === 0) {
      return {
        index,
        phase: 'prepare',
        label: 'Get ready',
        round: 0,
        segmentIndex: null,
        startMs: 0,
        durationMs: prepareMs(program),
      };
    }
    rest -= 1;
  }
  const base = prepareMs(program);
  if (isStopwatch(program)) {
    return rest === 0
      ? {
          index,
          phase: 'work',
          label: 'Stopwatch',
          round: 1,
          segmentIndex: null,
          startMs: base,
          durationMs: Infinity,
        }
      : null;
  }
  const count = program.segments.length;
  const round = Math.floor(rest / count);
  if (round < roundCount(program)) {
    const segmentIndex = rest % count;
    const entry = program.segments[segmentIndex];
    if (entry === undefined) return null;
    const offset = program.segments
      .slice(0, segmentIndex)
      .reduce((total, before) => total + before.durationSec * 1000, 0);
    return {
      index,
      phase: entry.kind,
      label: entry.label,
      round: round + 1,
      segmentIndex,
      startMs: base + round * roundMs(program) + offset,
      durationMs: entry.durationSec * 1000,
    };
  }
  if (program.rounds !== 'unbounded' && program.cooldownSec > 0 && rest === program.rounds * count) {
    return {
      index,
      phase: 'cooldown',
      label: defaultLabels.cooldown,
      round: program.rounds,
      segmentIndex: null,
      startMs: base + program.rounds * roundMs(program),
      durationMs: program.cooldownSec * 1000,
    };
  }
  return null;
}

/** The step running at a position of the program's timeline (steps are [start, end)), or null once it is over. */
export function stepAtPosition(program: TimerProgram, positionMs: number): TimerStep | null {
  if (positionMs < 0) return stepAt(program, 0);
  const prepare = program.prepareSec > 0 ? 1 : 0;
  if (positionMs < prepareMs(program)) return stepAt(program, 0);
  if (isStopwatch(program)) return stepAt(program, prepare);
  const inRounds = positionMs - prepareMs(program);
  const round = Math.floor(inRounds / roundMs(program));
  if (round < roundCount(program)) {
    let within = inRounds - round * roundMs(program);
    let segmentIndex = 0;
    for (const [index, entry] of program.segments.entries()) {
      segmentIndex = index;
      if (within < entry.durationSec * 1000) break;
      within -= entry.durationSec * 1000;
    }
    return stepAt(program, prepare + round * program.segments.length + segmentIndex);
  }
  return positionMs < totalMs(program) ? stepAt(program, stepCount(program) - 1) : null;
}
