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
} from '@nestjs/common';
import { deviceIdParam, entityId, pairDeviceBody } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { DB } from '../tokens.js';

/** Pairing a strap with an athlete: the pairing a class copies when they join. */
@Controller('api/v1/studios/:studioId/devices')
export class DevicesController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @Put(':deviceId')
  async pair(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Param('deviceId') deviceId: string,
    @Body() body: unknown,
  ) {
    const studio = parseInput(entityId, studioId, 'studio id');
    authorize(caller, studio, 'write', 'studio');
    const device = parseInput(deviceIdParam, deviceId, 'device id');
    const { memberId } = parseInput(pairDeviceBody, body);
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
  async unpair(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Param('deviceId') deviceId: string,
  ) {
    const studio = parseInput(entityId, studioId, 'studio id');
    authorize(caller, studio, 'write', 'studio');
    const device = parseInput(deviceIdParam, deviceId, 'device id');
    const removed = await this.db.device.deleteMany({ where: { studioId: studio, deviceId: device } });
    if (removed.count === 0) throw new NotFoundException('device not paired');
  }

  @Get()
  async list(@Caller() caller: Principal, @Param('studioId') studioId: string) {
    const studio = parseInput(entityId, studioId, 'studio id');
    authorize(caller, studio, 'read', 'studio');
    const rows = await this.db.device.findMany({ where: { studioId: studio }, orderBy: { deviceId: 'asc' } });
    return {
      devices: rows.map((row) => ({
        deviceId: row.deviceId,
        memberId: row.memberId,
        pairedAt: row.pairedAt.getTime(),
      })),
    };
  }
}
