// Effort points per minute in zones 0..5, the scheme studios know from
// Myzone-style systems (docs/domain.md).
const POINTS_PER_MINUTE_BY_ZONE: readonly number[] = [0, 1, 2, 3, 4, 4];

export function pointsPerMinute(zone: number): number {
  return POINTS_PER_MINUTE_BY_ZONE[zone] ?? 0;
}
