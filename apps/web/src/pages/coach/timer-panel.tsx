// The timer's controls: the buttons its status allows (start an idle timer
// with a program; pause, skip or reset a running one; resume a paused one;
// reset a finished one), and the program, which can be set only while the timer
// is not running (the timer's rule `timer-running`).
import { useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { timerState, type TimerAction, type TimerState } from '#contracts';
import { ApiError, type Api } from '../../api.js';
import type { Attempt } from './attempts.js';
import { timerCommand } from './live-commands.js';
import {
  ProgramForm,
  checkProgram,
  initialDraft,
  presetNames,
  programSummary,
  type ProgramDraft,
} from './program-form.js';
import { CommandButton } from './command-button.js';

const actionNames: Record<TimerAction, string> = {
  start: 'Start timer',
  pause: 'Pause',
  resume: 'Resume',
  skip: 'Skip',
  reset: 'Reset',
};

/** The commands the timer's status allows, in the order they are offered. */
export function actionsFor(timer: TimerState | null): TimerAction[] {
  if (!timer || !timer.program) return [];
  switch (timer.status) {
    case 'idle':
      return ['start'];
    case 'running':
      return ['pause', 'skip', 'reset'];
    case 'paused':
      return ['resume', 'skip', 'reset'];
    case 'finished':
      return ['reset'];
  }
}

interface TimerPanelProps {
  api: Api;
  socket: Socket;
  sessionId: string;
  timer: TimerState | null;
  /** An ended class's timer is final: every command would answer 409 `ended`. */
  ended: boolean;
  attempt: Attempt;
  running: string | null;
}

export function TimerPanel({ api, socket, sessionId, timer, ended, attempt, running }: TimerPanelProps) {
  const [draft, setDraft] = useState<ProgramDraft>(initialDraft);
  const checked = checkProgram(draft);
  const canSetProgram = !timer || timer.status === 'idle' || timer.status === 'finished';
  const setProgram = () =>
    attempt('Set program', async () => {
      if (!checked.ok) throw new ApiError(400, 'This program cannot be set', checked.problem);
      await api.send('PUT', `/sessions/${encodeURIComponent(sessionId)}/timer`, timerState, checked.input);
    });
  const actions = actionsFor(timer);
  if (ended) {
    return (
      <section class="coach-panel timer-panel" aria-label="timer controls">
        <p class="hint">This class has ended: its timer is final.</p>
      </section>
    );
  }
  return (
    <section class="coach-panel timer-panel" aria-label="timer controls">
      <div class="timer-actions" data-timer-actions={timer?.status ?? 'none'}>
        {actions.length === 0 && <p class="hint">Set a program, then start it.</p>}
        {actions.map((action) => (
          <CommandButton
            key={action}
            class={action === 'start' || action === 'resume' ? 'go' : action === 'reset' ? 'secondary' : ''}
            label={actionNames[action]}
            running={running}
            onClick={() => attempt(actionNames[action], () => timerCommand(socket, { sessionId, action }))}
          />
        ))}
      </div>
      {timer?.program && (
        <p class="program-now" data-program-preset={timer.program.preset}>
          <strong>{presetNames[timer.program.preset]}</strong> {programSummary(timer.program)}
        </p>
      )}
      {canSetProgram ? (
        <>
          <ProgramForm draft={draft} onChange={setDraft} />
          <div class="program-set">
            <span class={`program-summary${checked.ok ? '' : ' invalid'}`}>
              {checked.ok ? programSummary(checked.program) : checked.problem}
            </span>
            <CommandButton label="Set program" running={running} onClick={setProgram} />
          </div>
        </>
      ) : (
        <p class="hint">Reset the timer to change its program.</p>
      )}
    </section>
  );
}
