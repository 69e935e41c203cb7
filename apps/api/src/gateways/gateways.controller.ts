import { Controller, Delete, Get, HttpCode, Inject, NotFoundException, Optional, Post } from '@nestjs/common';
import type { GatewayList, IssuedGateway } from '#contracts';
import type { Db } from '#db';
import { EventStore } from '#eventstore';
import { OwnerRefusedError } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { DB } from '../injection.js';
import { requireStudio } from '../studios/views.js';
import { GatewayAdmin } from './gateway-admin.js';
import { gatewayRoutes as routes } from './gateways.routes.js';
import { lastSeenAt } from './last-seen.js';

/** A studio's gateways: each a NATS user of its own, issued here and revoked here. */
@Controller('api/v1/studios/:studioId/gateways')
export class GatewaysController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EventStore) private readonly store: EventStore,
    // Absent when the API runs without NATS signing keys (gateway-admin.ts): those routes answer 503.
    @Optional() @Inject(GatewayAdmin) private readonly admin?: GatewayAdmin,
  ) {}

  @Post()
  @HttpCode(201)
  @Route(routes.register)
  async register(@Input() { params, body }: RouteInput<typeof routes.register>): Promise<IssuedGateway> {
    const { studioId } = params;
    const { gatewayId } = body;
    await requireStudio(this.db, studioId);
    const { creds, publicKey } = await this.configured().issue(studioId, gatewayId);
    const createdAt = new Date();
    const name = body.name ?? null;
    // The key decides between two registrations of the same id at once: the second inserts nothing.
    const inserted = await this.db.gateway.createMany({
      data: [{ studioId, gatewayId, name, publicKey, createdAt }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) {
      throw new OwnerRefusedError(
        'gateway',
        'already-registered',
        409,
        `the studio already has a gateway ${gatewayId}; revoke it first to issue new credentials`,
      );
    }
    // The only time the credentials are shown: we keep the public key.
    return { gatewayId, studioId, name, createdAt: createdAt.getTime(), creds };
  }

  @Get()
  @Route(routes.list)
  async list(@Input() { params }: RouteInput<typeof routes.list>): Promise<GatewayList> {
    const { studioId } = params;
    await requireStudio(this.db, studioId);
    const rows = await this.db.gateway.findMany({ where: { studioId }, orderBy: { gatewayId: 'asc' } });
    const gateways = await Promise.all(
      rows.map(async (row) => ({
        gatewayId: row.gatewayId,
        studioId: row.studioId,
        name: row.name,
        createdAt: row.createdAt.getTime(),
        lastSeenAt: await lastSeenAt(this.store.jsm, studioId, row.gatewayId),
      })),
    );
    return { gateways };
  }

  /** Revoked on every server before the row goes: a failed revocation leaves it to try again. */
  @Delete(':gatewayId')
  @HttpCode(204)
  @Route(routes.revoke)
  async revoke(@Input() { params }: RouteInput<typeof routes.revoke>): Promise<void> {
    const { studioId, gatewayId } = params;
    const admin = this.configured();
    const where = { studioId_gatewayId: { studioId, gatewayId } };
    const row = await this.db.gateway.findUnique({ where });
    if (row === null) throw new NotFoundException('gateway not found');
    await admin.revoke(row.publicKey);
    await this.db.gateway.deleteMany({ where: { studioId, gatewayId, publicKey: row.publicKey } });
  }

  private configured(): GatewayAdmin {
    if (this.admin !== undefined) return this.admin;
    throw new OwnerRefusedError(
      'gateway',
      'not-configured',
      503,
      'gateway registration is not configured: the API has no NATS signing keys (NATS_ACCOUNT_SIGNER, ' +
        'NATS_OPERATOR_SIGNER, NATS_ACCOUNT_ADMIN_CREDS)',
    );
  }
}
