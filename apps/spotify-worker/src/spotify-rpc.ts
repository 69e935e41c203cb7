// The worker's NATS surface: playback commands and the two halves of sign-in,
// each in the queue group `spotify-worker` so one instance answers a request.
// Every request is parsed by its contract; a bad one gets a clear error.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import {
  commandSubjects,
  describeIssues,
  forwardedSpotifyCommand,
  spotifyAuthorizeRequest,
  spotifyCallbackRequest,
  spotifySubjects,
} from '#contracts';
import type { Logger } from '#config';
import type { PlaybackCommands } from './playback-commands.js';
import type { SignIn } from './sign-in.js';

export const QUEUE_GROUP = 'spotify-worker';

type Reply =
  { ok: true; value?: unknown; state?: unknown } | { ok: false; error: { code: string; message: string } };

const decoder = new TextDecoder();

function parse<S extends z.ZodType>(
  schema: S,
  message: Msg,
): { ok: true; value: z.output<S> } | { ok: false; reply: Reply } {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(message.data));
  } catch {
    return { ok: false, reply: { ok: false, error: { code: 'invalid-command', message: 'not JSON' } } };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        reply: { ok: false, error: { code: 'invalid-command', message: describeIssues(parsed.error) } },
      };
}

export class SpotifyRpc {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly nats: NatsConnection,
    private readonly commands: PlaybackCommands,
    private readonly signIn: SignIn,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.serve(commandSubjects.allSpotify, async (message) => {
      const input = parse(forwardedSpotifyCommand, message);
      if (!input.ok) return input.reply;
      const studioId = message.subject.split('.')[2] ?? '';
      return this.commands.run(studioId, input.value.command, input.value.actor);
    });
    this.serve(spotifySubjects.authorize, async (message) => {
      const input = parse(spotifyAuthorizeRequest, message);
      return input.ok ? this.signIn.authorize(input.value.studioId) : input.reply;
    });
    this.serve(spotifySubjects.callback, async (message) => {
      const input = parse(spotifyCallbackRequest, message);
      return input.ok ? this.signIn.callback(input.value.state, input.value.code) : input.reply;
    });
  }

  private serve(subject: string, handle: (message: Msg) => Promise<Reply>): void {
    const subscription = this.nats.subscribe(subject, { queue: QUEUE_GROUP });
    this.subscriptions.push(subscription);
    void (async () => {
      for await (const message of subscription) {
        void handle(message)
          .catch((error: unknown): Reply => {
            this.logger.error('spotify request failed', { subject: message.subject, error });
            return {
              ok: false,
              error: { code: 'spotify-unavailable', message: 'the Spotify worker failed' },
            };
          })
          .then((reply) => message.respond(JSON.stringify(reply)));
      }
    })();
  }

  async stop(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}
