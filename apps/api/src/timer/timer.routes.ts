// Contracts of a class's timer routes: they validate the requests and describe them in /api/docs.
import { timerAction, timerProgramInput, timerState } from '#contracts';
import { routesTagged } from '../http/route.js';
import { sessionPath } from '../sessions/session-scope.js';

const timerRoute = routesTagged('timer');
const command = {
  access: 'write',
  scope: 'session',
  ifMatch: true,
  rules: true,
  response: timerState,
  etag: true,
} as const;

export const timerRoutes = {
  get: timerRoute({
    summary: "The class's timer now: status, segment, segmentEndsAt, remainingMs, serverTime",
    description:
      "`ETag` is the timer's own version (not the class's): pass it as `If-Match` to the timer commands.",
    access: 'read',
    scope: 'session',
    params: sessionPath,
    response: timerState,
    etag: true,
  }),
  setProgram: timerRoute({
    summary: "Set the class's timer program (a preset or custom segments)",
    description: 'Refused (409 `timer-running`) while the timer runs or is paused: reset it first.',
    ...command,
    params: sessionPath,
    body: timerProgramInput,
  }),
  command: timerRoute({
    summary: 'Start, pause, resume, reset or skip (to the next segment) the timer',
    description:
      'Each command is stamped with server time. 409 when it makes no sense now: `no-program`, ' +
      '`already-started`, `not-started`, `not-running`, `not-paused`, `finished`, `ended`.',
    ...command,
    params: { ...sessionPath, action: timerAction },
  }),
};
