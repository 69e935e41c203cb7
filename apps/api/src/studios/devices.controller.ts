import { Controller, Delete, Get, HttpCode, Inject, NotFoundException, Put } from '@nestjs/common';
import type { DeviceList } from '#contracts';
import type { Db } from '#db';
import { DeviceStatusStore } from '#eventstore';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { DB } from '../injection.js';
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
  async pair(@Input() { params, body }: RouteInput<typeof routes.pair>) {
    const { studioId: studio, deviceId: device } = params;
    const { memberId } = body;
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
  async unpair(@Input() { params }: RouteInput<typeof routes.unpair>) {
    const { studioId: studio, deviceId: device } = params;
    const removed = await this.db.device.deleteMany({ where: { studioId: studio, deviceId: device } });
    if (removed.count === 0) throw new NotFoundException('device not paired');
  }

  @Get()
  @Route(routes.list)
  async list(@Input() { params, query }: RouteInput<typeof routes.list>): Promise<DeviceList> {
    const { studioId: studio } = params;
    const { seenWithinHours } = query;
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
