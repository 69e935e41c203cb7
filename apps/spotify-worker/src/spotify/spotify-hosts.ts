// spotify-web-api-node 5.0.2 hard-codes https://accounts.spotify.com and
// https://api.spotify.com, with no option to change them. Every request it
// makes passes through `HttpManager._makeRequest(method, options, uri, cb)`,
// so this module — the only place that knows about it — wraps that one
// function and swaps the origin of the URI. With Spotify's own URLs (the
// defaults) nothing changes; tests and the demo point it at a fake. It also
// bounds every call (the library sets no timeout, and a hung call would hold a
// token refresh's lease for as long as it hangs).
import httpManager from 'spotify-web-api-node/src/http-manager.js';

export const SPOTIFY_ACCOUNTS_ORIGIN = 'https://accounts.spotify.com';
export const SPOTIFY_API_ORIGIN = 'https://api.spotify.com';
/** The longest a Spotify call may take, response body included; then it fails as `network`. */
export const SPOTIFY_HTTP_TIMEOUT_MS = 10_000;

export interface SpotifyHosts {
  accountsUrl: string;
  apiUrl: string;
}

let hosts: SpotifyHosts = { accountsUrl: SPOTIFY_ACCOUNTS_ORIGIN, apiUrl: SPOTIFY_API_ORIGIN };
const makeRequest = httpManager._makeRequest.bind(httpManager);
let installed = false;

/** A URI the library built, with the configured origin instead of Spotify's. */
export function rewriteSpotifyUri(uri: string): string {
  if (uri.startsWith(SPOTIFY_ACCOUNTS_ORIGIN))
    return hosts.accountsUrl + uri.slice(SPOTIFY_ACCOUNTS_ORIGIN.length);
  if (uri.startsWith(SPOTIFY_API_ORIGIN)) return hosts.apiUrl + uri.slice(SPOTIFY_API_ORIGIN.length);
  return uri;
}

/** Points the library at these base URLs (process-wide: one Spotify per process). */
export function useSpotifyHosts(next: SpotifyHosts): void {
  hosts = { accountsUrl: next.accountsUrl.replace(/\/+$/, ''), apiUrl: next.apiUrl.replace(/\/+$/, '') };
  if (installed) return;
  installed = true;
  httpManager._makeRequest = (method, options, uri, callback) =>
    makeRequest(
      function (this: unknown, target: string) {
        return method.call(this, target).timeout({ deadline: SPOTIFY_HTTP_TIMEOUT_MS });
      },
      options,
      rewriteSpotifyUri(uri),
      callback,
    );
}
