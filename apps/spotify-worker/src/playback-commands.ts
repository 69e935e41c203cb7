// Playback commands from the API and realtime (cmd.spotify.<studioId>), checked
// again here: only a coach or operator of that studio, or the bootstrap
// operator, may control its music, and only with a token that is still valid.
import type { CommandActor, CommandReply, SpotifyCommandRequest } from '#contracts';
import { may } from '#platform';
import type { SpotifyClient, SpotifyFailure } from './spotify/spotify-client.js';
import type { SpotifyAccess, SpotifyAccessError } from './credentials/spotify-access.js';

function failure(code: string, message: string): CommandReply {
  return { ok: false, error: { code, message } };
}

export function replyForSpotifyFailure(error: SpotifyFailure): CommandReply {
  switch (error.kind) {
    case 'no-active-device':
      return failure('no-active-device', 'no Spotify device is active: open Spotify on the studio player');
    case 'premium-required':
      return failure(
        'premium-required',
        "controlling playback needs the studio's Spotify account to be Premium",
      );
    case 'rate-limited':
      return failure('rate-limited', `Spotify asks to wait ${Math.ceil(error.retryAfterMs / 1000)} s`);
    case 'invalid-grant':
      return failure('needs-auth', 'the studio must sign in to Spotify again');
    case 'unauthorized':
    case 'server-error':
    case 'network':
    case 'bad-response':
      return failure('spotify-unavailable', `Spotify did not answer as expected (${error.kind})`);
  }
}

function replyForAccessError(error: SpotifyAccessError): CommandReply {
  if (error.kind === 'not-connected')
    return failure('not-connected', 'the studio has not signed in to Spotify');
  if (error.kind === 'needs-auth') return failure('needs-auth', 'the studio must sign in to Spotify again');
  return replyForSpotifyFailure(error.failure);
}

/** Whether the studio token that sent a command is still valid (not revoked, not expired). */
export type TokenActive = (tokenId: string) => Promise<boolean>;

export class PlaybackCommands {
  constructor(
    private readonly tokenActive: TokenActive,
    private readonly access: SpotifyAccess,
    private readonly spotify: SpotifyClient | null,
    private readonly afterCommand: (studioId: string) => void,
  ) {}

  async run(studioId: string, command: SpotifyCommandRequest, actor: CommandActor): Promise<CommandReply> {
    if (command.studioId !== studioId) return failure('invalid-command', 'the command names another studio');
    if (!may(actor, 'write', studioId).ok)
      return failure('forbidden', 'only a coach or operator of the studio may do this');
    if (actor.kind === 'studio' && !(await this.tokenActive(actor.tokenId)))
      return failure('unauthorized', 'the token was revoked or has expired');
    if (this.spotify === null) return failure('not-configured', 'Spotify is not configured on this platform');
    const token = await this.access.get(studioId);
    if (!token.ok) return replyForAccessError(token.error);
    let result = await this.spotify.command(token.accessToken, command);
    if (!result.ok && result.error.kind === 'unauthorized') {
      const renewed = await this.access.afterUnauthorized(studioId, token.accessToken);
      if (!renewed.ok) return replyForAccessError(renewed.error);
      result = await this.spotify.command(renewed.accessToken, command);
    }
    if (!result.ok) return replyForSpotifyFailure(result.error);
    this.afterCommand(studioId);
    return { ok: true };
  }
}
