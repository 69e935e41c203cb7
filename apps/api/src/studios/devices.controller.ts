import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Put,
  Query,
} from '@nestjs/common';
import type { DeviceList } from '#contracts';
import type { Db } from '#db';
import { DeviceStatusStore } from '#eventstore';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { Route, parseBody, parseParam, parseQuery } from '../http/route.js';
import { DB } from '../tokens.js';
import { deviceListView } from './device-list.js';
import { deviceRoutes as routes } from './devices.routes.js';

const HOUR_MS = 3600 * 1000;

/** Pairing a strap with an athlete: the pairing a class copies when they join. */
@Controller('api/v1/studios/:studioId/devices')
export class DevicesController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(DeviceStatusStore) private readonly deviceStatus: DeviceStatusStore,
  ) {}

  @Put(':deviceId')
  @Route(routes.pair)
  async pair(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Param('deviceId') deviceId: string,
    @Body() body: unknown,
  ) {
    const studio = parseParam(routes.pair, 'studioId', studioId);
    authorize(caller, studio, 'write', 'studio');
    const device = parseParam(routes.pair, 'deviceId', deviceId);
    const { memberId } = parseBody(routes.pair, body);
    const owner = await this.db.member.findFirst({ where: { id: memberId, studioId: studio } });
    if (owner === null) throw new NotFoundException('member not found');
    const row = await this.db.device.upsert({
      where: { studioId_deviceId: { studioId: studio, deviceId: device } },
      create: { studioId: studio, deviceId: device, memberId },
      update: { memberId, pairedAt: new Date() },
    });
    return { deviceId: row.deviceId, memberId: row.memberId, pairedAt: row.pairedAt.getTime() };
  }

  @Delete(':deviceId')
  @HttpCode(204)
  @Route(routes.unpair)
  async unpair(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Param('deviceId') deviceId: string,
  ) {
    const studio = parseParam(routes.unpair, 'studioId', studioId);
    authorize(caller, studio, 'write', 'studio');
    const device = parseParam(routes.unpair, 'deviceId', deviceId);
    const removed = await this.db.device.deleteMany({ where: { studioId: studio, deviceId: device } });
    if (removed.count === 0) throw new NotFoundException('device not paired');
  }

  @Get()
  @Route(routes.list)
  async list(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Query() raw: unknown,
  ): Promise<DeviceList> {
    const studio = parseParam(routes.list, 'studioId', studioId);
    authorize(caller, studio, 'read', 'studio');
    const { seenWithinHours } = parseQuery(routes.list, raw);
    const [rows, statuses] = await Promise.all([
      this.db.device.findMany({
        where: { studioId: studio },
        orderBy: { deviceId: 'asc' },
        include: { member: { select: { displayName: true } } },
      }),
      this.deviceStatus.studio(studio),
    ]);
    const pairings = rows.map((row) => ({
      deviceId: row.deviceId,
      memberId: row.memberId,
      displayName: row.member.displayName,
      pairedAt: row.pairedAt.getTime(),
    }));
    return deviceListView(pairings, statuses, Date.now() - seenWithinHours * HOUR_MS);
  }
}
