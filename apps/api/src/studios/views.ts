import { maxHrFormula, member, sex, studio, zoneModel, type Member, type Studio } from '#contracts';
import { NotFoundException } from '@nestjs/common';
import type { Db, Member as MemberRow, Studio as StudioRow } from '#db';

/** Rows are parsed into the contract's shape on the way out too. */
export function toStudio(row: StudioRow): Studio {
  return studio.parse({
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    maxHrFormula: maxHrFormula.parse(row.maxHrFormula),
    zoneModel: zoneModel.parse(row.zoneModel),
    customZones: row.customZones.length > 0 ? row.customZones : null,
  });
}

export function toMember(row: MemberRow): Member {
  return member.parse({
    id: row.id,
    studioId: row.studioId,
    displayName: row.displayName,
    birthYear: row.birthYear,
    sex: sex.parse(row.sex),
    weightKg: row.weightKg,
    restingHr: row.restingHr,
    maxHr: row.maxHr,
  });
}

export async function requireStudio(db: Db, studioId: string): Promise<void> {
  if ((await db.studio.count({ where: { id: studioId } })) === 0)
    throw new NotFoundException('studio not found');
}
