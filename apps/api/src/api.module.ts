import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#config';
import type { Db } from '#db';
import { ClassIndex, DeviceStatusStore, EventStore, StudioRegistry, readersCheck } from '#eventstore';
import { HealthController, Metrics, NatsRequestClient, TokenVerifier, healthProviders } from '#platform';
import { AuthGuard } from './auth/auth.guard.js';
import { MeController } from './auth/me.controller.js';
import { DocsController, OpenApi } from './docs/docs.controller.js';
import { GatewayAdmin } from './gateways/gateway-admin.js';
import { GatewaysController } from './gateways/gateways.controller.js';
import { HistoryController } from './history/history.controller.js';
import { HomeController } from './http/home.controller.js';
import { ProblemFilter } from './http/problem.filter.js';
import { RouteContractInterceptor } from './http/route-contract.interceptor.js';
import { ServedRoutes } from './http/served-routes.js';
import { PlatformHealthController } from './operations/health.controller.js';
import { PlatformHealthProbe } from './operations/platform-health.js';
import { ProjectionFailuresController } from './operations/projection-failures.controller.js';
import { Projector } from './projections/projector.js';
import { ClassIndexSweeper } from './sessions/class-index-sweeper.js';
import { SessionCommands } from './sessions/session-commands.js';
import { SessionListController } from './sessions/session-list.controller.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SpotifyController } from './spotify/spotify.controller.js';
import { DevicesController } from './studios/devices.controller.js';
import { MembersController } from './studios/members.controller.js';
import { StudioRegistrySync } from './studios/studio-registry-sync.js';
import { StudiosController } from './studios/studios.controller.js';
import { TimerCommands } from './timer/timer-commands.js';
import { TimerController } from './timer/timer.controller.js';
import { TimerResponder } from './timer/timer-responder.js';
import { DB, LOGGER, NATS, SPOTIFY_WORKER, WEB } from './injection.js';
import { WebController, type WebSettings } from './web/web.controller.js';

export interface ApiDependencies {
  nats: NatsConnection;
  store: EventStore;
  classIndex: ClassIndex;
  deviceStatus: DeviceStatusStore;
  studios: StudioRegistry;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  adminToken: string;
  /** Registers and revokes gateways; absent without NATS signing keys (the gateway routes answer 503). */
  gatewayAdmin?: GatewayAdmin | undefined;
  web: WebSettings;
}

/** Every controller of the API; the OpenAPI document covers each `/api/v1` route of them. */
export const apiControllers = [
  HealthController,
  MeController,
  StudiosController,
  MembersController,
  DevicesController,
  GatewaysController,
  SessionsController,
  SessionListController,
  TimerController,
  HistoryController,
  SpotifyController,
  ProjectionFailuresController,
  PlatformHealthController,
  DocsController,
  HomeController,
  WebController,
];

@Module({})
export class ApiModule {
  static register({
    nats,
    store,
    classIndex,
    deviceStatus,
    studios,
    db,
    logger,
    metrics,
    adminToken,
    gatewayAdmin,
    web,
  }: ApiDependencies): DynamicModule {
    return {
      module: ApiModule,
      imports: [DiscoveryModule],
      // The timer's NATS requests are answered by a message handler (main.ts connects the transport).
      controllers: [...apiControllers, TimerResponder],
      providers: [
        { provide: DB, useValue: db },
        { provide: NATS, useValue: nats },
        { provide: SPOTIFY_WORKER, useValue: new NatsRequestClient(nats) },
        { provide: LOGGER, useValue: logger },
        { provide: WEB, useValue: web },
        { provide: EventStore, useValue: store },
        { provide: ClassIndex, useValue: classIndex },
        { provide: DeviceStatusStore, useValue: deviceStatus },
        { provide: StudioRegistry, useValue: studios },
        ...(gatewayAdmin ? [{ provide: GatewayAdmin, useValue: gatewayAdmin }] : []),
        StudioRegistrySync,
        { provide: TokenVerifier, useValue: new TokenVerifier(db, adminToken) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: RouteContractInterceptor },
        ServedRoutes,
        Projector,
        PlatformHealthProbe,
        SessionCommands,
        ClassIndexSweeper,
        TimerCommands,
        OpenApi,
        ...healthProviders('api', metrics, [
          { name: 'nats', check: () => !nats.isClosed() },
          // The projections: down, with the reason, while one of them cannot read the log.
          readersCheck('log', () => store.readers),
          {
            name: 'postgres',
            check: async () => {
              const rows: unknown = await db.$queryRaw`SELECT 1`;
              return Array.isArray(rows) && rows.length === 1;
            },
          },
        ]),
      ],
    };
  }
}
