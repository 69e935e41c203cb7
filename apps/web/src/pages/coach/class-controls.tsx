// Start and end the class. Ending is final (the roster and the timer freeze),
// so it asks once more before it is sent.
import { useState } from 'preact/hooks';
import { sessionView, type SessionStatus } from '#contracts';
import type { Api } from '../../api.js';
import type { Attempt } from './attempts.js';
import { CommandButton } from './command-button.js';

interface ClassControlsProps {
  api: Api;
  sessionId: string;
  status: SessionStatus;
  attempt: Attempt;
  running: string | null;
}

export function ClassControls({ api, sessionId, status, attempt, running }: ClassControlsProps) {
  const [confirming, setConfirming] = useState(false);
  const path = `/sessions/${encodeURIComponent(sessionId)}`;
  const start = () => attempt('Start class', () => api.send('POST', `${path}/start`, sessionView));
  const end = async () => {
    await attempt('End class', () => api.send('POST', `${path}/end`, sessionView));
    setConfirming(false);
  };
  return (
    <div class="class-controls" data-class-status={status}>
      {status === 'scheduled' && (
        <CommandButton label="Start class" class="go" running={running} onClick={() => void start()} />
      )}
      {status === 'live' &&
        (confirming ? (
          <>
            <CommandButton
              label="End class now"
              class="danger"
              running={running}
              onClick={() => void end()}
            />
            <button type="button" class="command secondary" onClick={() => setConfirming(false)}>
              Keep going
            </button>
          </>
        ) : (
          <button type="button" class="command danger" onClick={() => setConfirming(true)}>
            End class
          </button>
        ))}
      {status === 'ended' && <p class="hint">This class has ended.</p>}
    </div>
  );
}
