// The web app's paths (a public contract: docs/contracts/web.md) and the token
// in the URL fragment. The fragment never leaves the browser: it is not sent
// with requests, so it is in no server's log.
import { entityId } from '#contracts';

export const pageKinds = ['screen', 'studio', 'coach', 'report'] as const;
export type PageKind = (typeof pageKinds)[number];
export type Route = { page: PageKind; id: string; token: string | null };

const path = /^\/(screen|studio|coach|report)\/([^/]+)\/?$/;

/** The page a location asks for, or null for any other path (or an id that is not one). */
export function routeOf(pathname: string, hash: string): Route | null {
  const match = path.exec(pathname);
  if (!match) return null;
  const [, name, rawId] = match;
  const page = pageKinds.find((kind) => kind === name);
  if (page === undefined) return null;
  const id = entityId.safeParse(decodeURIComponent(rawId ?? ''));
  if (!id.success) return null;
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return { page, id: id.data, token: token && token.length > 0 ? token : null };
}

export const pagePath = (page: PageKind, id: string, token?: string) =>
  `/${page}/${encodeURIComponent(id)}${token ? `#token=${encodeURIComponent(token)}` : ''}`;
