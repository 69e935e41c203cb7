// The web app's entry: reads the page and the token from the URL, loads the
// public config, opens the live connection and draws the page. Each page's code
// is loaded on its own, so the TV's screen does not download the report's chart.
import { render, type ComponentChildren } from 'preact';
import { loadConfig } from './api.js';
import { Notice } from './components/class-board.js';
import { openLive } from './live/live-socket.js';
import { routeOf } from './route.js';
import './styles.css';

const root = document.getElementById('app');

function show(children: ComponentChildren): void {
  if (root) render(children, root);
}

async function start(): Promise<void> {
  const route = routeOf(location.pathname, location.hash);
  if (!route) {
    show(
      <Notice
        title="No such page"
        text="Pages: /screen/<classId>, /studio/<studioId>, /coach/<classId>, /report/<classId>, each with #token=<token>."
      />,
    );
    return;
  }
  if (!route.token) {
    show(
      <Notice
        title="This link has no token"
        text="Open the link with #token=<token> at its end, as the platform printed or issued it."
      />,
    );
    return;
  }
  document.body.dataset.page = route.page;
  const config = await loadConfig();
  const { token } = route;
  switch (route.page) {
    case 'screen': {
      const { ScreenPage } = await import('./pages/screen.js');
      show(<ScreenPage socket={openLive(config.realtimeUrl, token)} sessionId={route.id} />);
      return;
    }
    case 'studio': {
      const { StudioPage } = await import('./pages/studio.js');
      show(<StudioPage socket={openLive(config.realtimeUrl, token)} studioId={route.id} token={token} />);
      return;
    }
    case 'coach': {
      const { CoachPage } = await import('./pages/coach.js');
      show(<CoachPage socket={openLive(config.realtimeUrl, token)} sessionId={route.id} token={token} />);
      return;
    }
    case 'report': {
      const { ReportPage } = await import('./pages/report.js');
      show(<ReportPage sessionId={route.id} token={token} />);
      return;
    }
  }
}

start().catch((error: unknown) => {
  show(<Notice title="Cannot start" text={error instanceof Error ? error.message : String(error)} />);
});
