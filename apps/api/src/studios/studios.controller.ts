import { Controller, Delete, Get, HttpCode, Inject, NotFoundException, Patch, Post } from '@nestjs/common';
import { customZonesMissing, type IssuedToken, type Studio } from '#contracts';
import type { Db } from '#db';
import { StudioRegistry } from '#eventstore';
import { generateToken, hashToken } from '#platform';
import { BadInputError } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { newId } from '../ids.js';
import { DB } from '../injection.js';
import { studioRoutes as routes } from './studios.routes.js';
import { requireStudio, toStudio } from './views.js';

@Controller('api/v1/studios')
export class StudiosController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(StudioRegistry) private readonly registry: StudioRegistry,
  ) {}

  @Post()
  @HttpCode(201)
  @Route(routes.create)
  async create(@Input() { body: input }: RouteInput<typeof routes.create>): Promise<Studio> {
    const id = newId('st');
    const createdAt = new Date();
    // Known to ingest before the studio exists here: its gateways may publish as soon as
    // we answer. A failed write fails the creation, and a failed insert removes the key.
    await this.registry.register({ studioId: id, createdAt: createdAt.getTime() });
    try {
      const row = await this.db.studio.create({
        data: {
          id,
          name: input.name,
          timezone: input.timezone ?? 'UTC',
          maxHrFormula: input.maxHrFormula ?? 'tanaka',
          zoneModel: input.zoneModel ?? 'percent-max',
          customZones: input.customZones ?? [],
          createdAt,
        },
      });
      return toStudio(row);
    } catch (error) {
      await this.registry.forget(id).catch(() => undefined);
      throw error;
    }
  }

  @Get(':studioId')
  @Route(routes.get)
  async get(@Input() { params }: RouteInput<typeof routes.get>): Promise<Studio> {
    const id = params.studioId;
    const row = await this.db.studio.findUnique({ where: { id } });
    if (row === null) throw new NotFoundException('studio not found');
    return toStudio(row);
  }

  @Patch(':studioId')
  @Route(routes.update)
  async update(@Input() { params, body: input }: RouteInput<typeof routes.update>): Promise<Studio> {
    const id = params.studioId;
    const current = await this.db.studio.findUnique({ where: { id } });
    if (current === null) throw new NotFoundException('studio not found');
    const customZones = input.customZones ?? current.customZones;
    if (customZonesMissing({ zoneModel: input.zoneModel ?? current.zoneModel, customZones })) {
      throw new BadInputError('invalid body', [
        { path: 'customZones', message: 'the custom zone model needs five customZones percentages' },
      ]);
    }
    const row = await this.db.studio.update({ where: { id }, data: { ...input, customZones } });
    return toStudio(row);
  }

  @Post(':studioId/tokens')
  @HttpCode(201)
  @Route(routes.issueToken)
  async issueToken(
    @Input() { params, body: input }: RouteInput<typeof routes.issueToken>,
  ): Promise<IssuedToken> {
    const id = params.studioId;
    await requireStudio(this.db, id);
    const token = generateToken();
    const row = await this.db.apiToken.create({
      data: {
        id: newId('tok'),
        studioId: id,
        role: input.role,
        label: input.label ?? null,
        tokenHash: hashToken(token),
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      },
    });
    // The only time the token is shown: we keep its hash.
    return {
      id: row.id,
      role: input.role,
      label: row.label,
      expiresAt: row.expiresAt?.getTime() ?? null,
      token,
    };
  }

  /** The studio's tokens, never their secrets. */
  @Get(':studioId/tokens')
  @Route(routes.listTokens)
  async listTokens(@Input() { params }: RouteInput<typeof routes.listTokens>) {
    const id = params.studioId;
    await requireStudio(this.db, id);
    const rows = await this.db.apiToken.findMany({
      where: { studioId: id },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    return {
      tokens: rows.map((row) => ({
        id: row.id,
        role: row.role,
        label: row.label,
        createdAt: row.createdAt.getTime(),
        expiresAt: row.expiresAt?.getTime() ?? null,
        revokedAt: row.revokedAt?.getTime() ?? null,
      })),
    };
  }

  /** Revoked at once: every request and every new socket checks the token against the table. */
  @Delete(':studioId/tokens/:tokenId')
  @HttpCode(204)
  @Route(routes.revokeToken)
  async revokeToken(@Input() { params }: RouteInput<typeof routes.revokeToken>): Promise<void> {
    const { studioId: id, tokenId: token } = params;
    const revoked = await this.db.apiToken.updateMany({
      where: { id: token, studioId: id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) throw new NotFoundException('token not found');
  }
}
