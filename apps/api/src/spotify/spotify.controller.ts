// Spotify for operators and coaches: sign-in, the studio's playback, commands.
// The Spotify worker owns the studio's Spotify credentials and the client secret; this asks it
// over NATS request-reply (Nest's client, libs/platform's requests.ts) and reads the playback
// from the event log.
import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import {
  commandSubjects,
  eventSubjects,
  isSpotifyEvent,
  spotifyAuthorizeReply,
  spotifyCallbackReply,
  spotifyCommandReply,
  spotifySubjects,
  streams,
  type SpotifyState,
} from '#contracts';
import { evolveSpotifyState } from '#domain';
import { EventStore } from '#eventstore';
import { actorOf } from '#platform';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { SPOTIFY_WORKER } from '../injection.js';
import { spotifyRefusal } from './spotify-errors.js';
import { spotifyRoutes as routes } from './spotify.routes.js';

const WORKER_TIMEOUT_MS = 10_000;
const notAvailable = { code: 'not-available', message: 'the Spotify worker is not running' };

@Controller('api/v1')
export class SpotifyController {
  constructor(
    @Inject(SPOTIFY_WORKER) private readonly worker: Pick<ClientProxy, 'send'>,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  /** Asks the worker; no worker answering is `not-available`. */
  private async ask<S extends z.ZodType>(subject: string, payload: unknown, reply: S): Promise<z.output<S>> {
    try {
      const answer: unknown = await firstValueFrom(
        this.worker.send(subject, payload).pipe(timeout(WORKER_TIMEOUT_MS)),
      );
      return reply.parse(answer);
    } catch {
      throw spotifyRefusal(notAvailable);
    }
  }

  @Get('studios/:studioId/spotify/authorize')
  @HttpCode(302)
  @Route(routes.authorize)
  async authorize(
    @Input() { params }: RouteInput<typeof routes.authorize>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const id = params.studioId;
    const answer = await this.ask(spotifySubjects.authorize, { studioId: id }, spotifyAuthorizeReply);
    if (!answer.ok) throw spotifyRefusal(answer.error);
    // A page calling with its bearer token cannot follow the redirect itself: it asks for the URL and opens it.
    if (request.accepts(['html', 'json']) === 'json') {
      response.status(200).json({ url: answer.value.url });
      return;
    }
    response.redirect(302, answer.value.url);
  }

  @Get('spotify/callback')
  @Route(routes.callback)
  async callback(
    @Input() { query: input }: RouteInput<typeof routes.callback>,
  ): Promise<{ studioId: string; status: 'connected' }> {
    if (input.code === undefined) {
      throw spotifyRefusal({
        code: 'invalid-command',
        message: `Spotify sign-in declined (${input.error ?? 'no code'})`,
      });
    }
    const answer = await this.ask(
      spotifySubjects.callback,
      { state: input.state, code: input.code },
      spotifyCallbackReply,
    );
    if (!answer.ok) throw spotifyRefusal(answer.error);
    return { studioId: answer.value.studioId, status: 'connected' };
  }

  /** Every spotify event says the whole state, so the last one is enough. */
  @Get('studios/:studioId/spotify')
  @Route(routes.state)
  async state(@Input() { params }: RouteInput<typeof routes.state>): Promise<SpotifyState> {
    const id = params.studioId;
    const last = await this.store.lastEventOf(streams.events.name, eventSubjects.studioSpotify(id));
    const state = last !== null && isSpotifyEvent(last.event) ? evolveSpotifyState(null, last.event) : null;
    return state ?? { studioId: id, status: 'needs-auth', isPlaying: false, at: Date.now() };
  }

  @Post('studios/:studioId/spotify/:action')
  @HttpCode(204)
  @Route(routes.command)
  async command(@Input() { caller, params, body }: RouteInput<typeof routes.command>): Promise<void> {
    // The worker holds it to spotifyCommandRequest (volume with volume, deviceId with transfer): 400 from there.
    const command = { studioId: params.studioId, action: params.action, ...body };
    const answer = await this.ask(
      commandSubjects.spotify(params.studioId),
      { command, actor: actorOf(caller) },
      spotifyCommandReply,
    );
    if (!answer.ok) throw spotifyRefusal(answer.error);
  }
}
