// Where the built web app is (dist/web, `npm run build`), and the answer for a
// page's path: its index.html, never cached (a new build changes the hashed
// assets it names), with a Content-Security-Policy that lets it load only its
// own assets and talk only to this API and the realtime service.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/web beside dist/apps/api/src/web/ (this module, built). */
export const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../web');

/** The page paths: a public contract (docs/contracts/web.md). */
export const pagePaths = ['screen/:id', 'studio/:id', 'coach/:id', 'report/:id'] as const;

export class WebApp {
  private index: string | null = null;

  constructor(readonly dir: string) {}

  /** index.html, read once; null when the app was not built. */
  page(): string | null {
    if (this.index !== null) return this.index;
    try {
      this.index = fs.readFileSync(path.join(this.dir, 'index.html'), 'utf8');
    } catch {
      return null;
    }
    return this.index;
  }
}

/** The page's policy: its own scripts and styles, connections to this origin and the realtime service. */
export function contentSecurityPolicy(realtimeUrl: string): string {
  const realtime = new URL(realtimeUrl);
  const socket = `${realtime.protocol === 'https:' ? 'wss:' : 'ws:'}//${realtime.host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Preact sets style attributes (the tile grid's columns).
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: data:",
    `connect-src 'self' ${realtime.origin} ${socket}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}
