// What a class copies of an athlete when they join: effective max HR, resting
// HR and zone thresholds under the studio's settings at that moment, so later
// changes to the athlete never rewrite a class's history.
import { maxHrFormula, sex, zoneModel } from '#contracts';
import type { Device, Member, Studio } from '#db';
import { ageAt, maxHrFor, thresholdsOf, zoneRuleFor, type ParticipantJoinedData } from '#domain';

export function participantProfile(
  participantId: string,
  member: Member,
  studio: Studio,
  deviceId: string | null,
  at: number,
): Omit<ParticipantJoinedData, 'sessionId'> {
  const memberSex = sex.parse(member.sex);
  const estimate = maxHrFor({
    maxHrOverride: member.maxHr,
    birthYear: member.birthYear,
    sex: memberSex,
    formula: maxHrFormula.parse(studio.maxHrFormula),
    at,
  });
  const zones = {
    model: zoneModel.parse(studio.zoneModel),
    maxHr: estimate.maxHr,
    restingHr: member.restingHr ?? undefined,
    customPercentages: studio.customZones.length === 5 ? studio.customZones : undefined,
  };
  const zoneRule = zoneRuleFor(zones);
  const zoneThresholds = thresholdsOf(zoneRule, estimate.maxHr, member.restingHr);
  return {
    participantId,
    memberId: member.id,
    displayName: member.displayName,
    deviceId,
    maxHr: estimate.maxHr,
    maxHrAssumed: estimate.assumed,
    restingHr: member.restingHr,
    zoneThresholds,
    zoneRule,
    sex: memberSex,
    weightKg: member.weightKg,
    age: member.birthYear === null ? null : ageAt(member.birthYear, at),
  };
}

/** The strap a member joins with: the one named, else the one paired with them. */
export function defaultDevice(requested: string | undefined, paired: Device[]): string | null {
  return requested ?? paired[0]?.deviceId ?? null;
}
