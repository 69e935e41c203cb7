// Every command the coach sends goes through `attempt`: one at a time per button
// (a double tap sends nothing twice), and any refusal is kept to be shown, with
// the problem's title and detail, in the page's alert area. Nothing is swallowed.
// A refusal that says the page acted on a stale state (409: the class or its
// timer has moved on; 412: a version no longer current) also has the page read
// again what it shows, so the next command is decided on the server's state.
import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api.js';

export interface Refusal {
  /** What the coach asked for, in their words ("Start class"). */
  action: string;
  status: number | null;
  title: string;
  detail: string | null;
}

export function refusalOf(action: string, error: unknown): Refusal {
  if (error instanceof ApiError) {
    return { action, status: error.status, title: error.title, detail: error.detail ?? null };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { action, status: null, title: 'Something went wrong', detail };
}

/** 409 (a rule refused: the class, its roster or its timer is not as the page shows it) or 412 (a stale version). */
export function isStaleRefusal(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 409 || error.status === 412);
}

export type Attempt = (action: string, run: () => Promise<unknown>) => Promise<boolean>;

/** A read the page needs: a failure is shown like a refusal, a success clears nothing. */
export type Load = (action: string, run: () => Promise<unknown>) => Promise<void>;

export interface Attempts {
  refusal: Refusal | null;
  /** The action running now, if any: its button shows it is busy. */
  running: string | null;
  attempt: Attempt;
  load: Load;
  dismiss: () => void;
}

/** `onStale` reads again what the page shows, after a refusal `isStaleRefusal` says is stale. */
export function useAttempts(onStale?: () => void): Attempts {
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const stale = useRef(onStale);
  stale.current = onStale;
  const attempt = useCallback<Attempt>(async (action, run) => {
    setRunning(action);
    try {
      await run();
      setRefusal(null);
      return true;
    } catch (error) {
      setRefusal(refusalOf(action, error));
      if (isStaleRefusal(error)) stale.current?.();
      return false;
    } finally {
      setRunning(null);
    }
  }, []);
  const load = useCallback<Load>(async (action, run) => {
    try {
      await run();
    } catch (error) {
      setRefusal(refusalOf(action, error));
    }
  }, []);
  const dismiss = useCallback(() => setRefusal(null), []);
  return { refusal, running, attempt, load, dismiss };
}

/** The page's alert area: always in the page (so screen readers announce what appears in it). */
export function RefusalAlert({ refusal, onDismiss }: { refusal: Refusal | null; onDismiss: () => void }) {
  return (
    <div
      class={`coach-alert${refusal ? ' shown' : ''}`}
      role="alert"
      data-refusal-status={refusal?.status ?? ''}
    >
      {refusal && (
        <>
          <div class="coach-alert-text">
            <span class="coach-alert-action">
              {refusal.action} {refusal.status === null ? 'failed' : 'refused'}
            </span>
            <strong class="coach-alert-title" data-problem-title>
              {refusal.title}
            </strong>
            {refusal.detail && <span class="coach-alert-detail">{refusal.detail}</span>}
          </div>
          <button type="button" class="coach-alert-dismiss" onClick={onDismiss} aria-label="Dismiss">
            ✕
          </button>
        </>
      )}
    </div>
  );
}
