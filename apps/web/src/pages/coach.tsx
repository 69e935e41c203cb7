// Placeholder until the page is built.
import { Notice } from '../components/class-board.js';

export function CoachPage(_props: {
  socket?: unknown;
  studioId?: string;
  sessionId?: string;
  token: string;
}) {
  return <Notice title="Not built yet" text="" />;
}
