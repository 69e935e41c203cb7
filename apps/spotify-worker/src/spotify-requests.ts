// The worker's NATS surface, as Nest message handlers on the NATS transport (libs/platform's
// requests.ts): playback commands and the two halves of sign-in, each in the queue group
// `spotify-worker` so that one instance answers a request. Every request is parsed by its
// contract; a bad one gets `invalid-command` with what is wrong, a handler that fails
// `spotify-unavailable` (and a log line).
import { Controller, Inject, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  commandSubjects,
  forwardedSpotifyCommand,
  spotifyAuthorizeRequest,
  spotifyCallbackRequest,
  spotifySubjects,
  type ForwardedSpotifyCommand,
  type SpotifyAuthorizeRequest,
  type SpotifyCallbackRequest,
} from '#contracts';
import type { Logger } from '#config';
import { NatsRequestServer, ParsedBy, nestLogger } from '#platform';
import { PlaybackCommands } from './playback-commands.js';
import { SignIn } from './sign-in.js';

export const QUEUE_GROUP = 'spotify-worker';

const LOGGER = Symbol('LOGGER');
const unavailable = { code: 'spotify-unavailable', message: 'the Spotify worker failed' };

@Controller()
class SpotifyRequests {
  constructor(
    @Inject(PlaybackCommands) private readonly commands: PlaybackCommands,
    @Inject(SignIn) private readonly signIn: SignIn,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(commandSubjects.allSpotify, { queue: QUEUE_GROUP })
  command(
    @Payload(new ParsedBy(forwardedSpotifyCommand, 'invalid-command'))
    { command, actor }: ForwardedSpotifyCommand,
    @Ctx() context: NatsContext,
  ) {
    const studioId = context.getSubject().split('.')[2] ?? '';
    return this.logged(context, () => this.commands.run(studioId, command, actor));
  }

  @MessagePattern(spotifySubjects.authorize, { queue: QUEUE_GROUP })
  authorize(
    @Payload(new ParsedBy(spotifyAuthorizeRequest, 'invalid-command')) { studioId }: SpotifyAuthorizeRequest,
    @Ctx() context: NatsContext,
  ) {
    return this.logged(context, () => this.signIn.authorize(studioId));
  }

  @MessagePattern(spotifySubjects.callback, { queue: QUEUE_GROUP })
  callback(
    @Payload(new ParsedBy(spotifyCallbackRequest, 'invalid-command')) { state, code }: SpotifyCallbackRequest,
    @Ctx() context: NatsContext,
  ) {
    return this.logged(context, () => this.signIn.callback(state, code));
  }

  /** A failure is logged here, with the subject, and answered `spotify-unavailable`. */
  private async logged<T>(context: NatsContext, handle: () => Promise<T>) {
    try {
      return await handle();
    } catch (error) {
      this.logger.error('spotify request failed', { subject: context.getSubject(), error });
      return { ok: false as const, error: unavailable };
    }
  }
}

@Module({})
class SpotifyRequestsModule {
  static register(commands: PlaybackCommands, signIn: SignIn, logger: Logger): DynamicModule {
    return {
      module: SpotifyRequestsModule,
      controllers: [SpotifyRequests],
      providers: [
        { provide: PlaybackCommands, useValue: commands },
        { provide: SignIn, useValue: signIn },
        { provide: LOGGER, useValue: logger },
      ],
    };
  }
}

/** Answers the worker's requests on `nats` until closed. */
export async function serveSpotifyRequests(
  nats: NatsConnection,
  commands: PlaybackCommands,
  signIn: SignIn,
  logger: Logger,
): Promise<INestMicroservice> {
  const requests = await NestFactory.createMicroservice(
    SpotifyRequestsModule.register(commands, signIn, logger),
    { strategy: new NatsRequestServer(nats, unavailable), logger: nestLogger(logger) },
  );
  await requests.listen();
  return requests;
}
