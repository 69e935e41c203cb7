// The class in numbers, one row per athlete: what the screen showed at the end
// (kcal, points), the heart rate's average and peak, and the time in each zone.
import type { ParticipantSummary, SessionSummary } from '#contracts';
import { oneDecimal, whole } from '../../components/format.js';

const zones = [0, 1, 2, 3, 4, 5] as const;
const dash = '–';

const orDash = (value: number | null, format: (value: number) => string) =>
  value === null ? dash : format(value);

export const zoneName = (zone: number) => (zone === 0 ? 'below zone 1' : `zone ${zone}`);

/** Minutes as m:ss would be misread as a clock; one decimal reads as an amount. */
export const minutesText = (minutes: number) => `${oneDecimal(minutes)} min`;

/** Time in zones 0..5 as one bar, each zone's share of the athlete's timed minutes. */
export function ZoneBar({ minutesInZone }: { minutesInZone: number[] }) {
  const total = minutesInZone.reduce((sum, minutes) => sum + minutes, 0);
  const spoken = zones
    .filter((zone) => (minutesInZone[zone] ?? 0) > 0)
    .map((zone) => `${zoneName(zone)} ${minutesText(minutesInZone[zone] ?? 0)}`)
    .join(', ');
  if (total <= 0) return <span class="zone-bar-empty">no time in any zone</span>;
  return (
    <div class="zone-bar" role="img" aria-label={`Time in zones: ${spoken}`}>
      {zones.map((zone) => {
        const minutes = minutesInZone[zone] ?? 0;
        if (minutes <= 0) return null;
        const share = minutes / total;
        return (
          <span
            key={zone}
            class={`zone-bar-part zone-bg-${zone}`}
            style={{ flexGrow: share }}
            title={`${zoneName(zone)}: ${minutesText(minutes)}`}
            data-zone={zone}
            data-minutes={minutes}
          >
            {share >= 0.12 ? oneDecimal(minutes) : ''}
          </span>
        );
      })}
    </div>
  );
}

function AthleteRow({ athlete }: { athlete: ParticipantSummary }) {
  return (
    <tr data-participant-id={athlete.participantId}>
      <th scope="row">{athlete.displayName}</th>
      <td data-avg-bpm={athlete.avgBpm ?? ''}>{orDash(athlete.avgBpm, whole)}</td>
      <td data-max-bpm={athlete.maxBpm ?? ''}>{orDash(athlete.maxBpm, String)}</td>
      <td>{orDash(athlete.peakPctMax, (pct) => `${whole(pct)} %`)}</td>
      <td title={athlete.kcal === null ? 'needs the athlete’s weight and age' : undefined}>
        {orDash(athlete.kcal, whole)}
      </td>
      <td>{oneDecimal(athlete.points)}</td>
      <td data-high-intensity-minutes={athlete.highIntensityMinutes}>
        {oneDecimal(athlete.highIntensityMinutes)}
      </td>
      <td class="zones-cell">
        <ZoneBar minutesInZone={athlete.minutesInZone} />
      </td>
    </tr>
  );
}

export function SummaryTable({ summary }: { summary: SessionSummary }) {
  const { totals } = summary;
  return (
    <table class="summary-table" aria-label="Summary per athlete">
      <thead>
        <tr>
          <th scope="col">Athlete</th>
          <th scope="col">Avg HR</th>
          <th scope="col">Max HR</th>
          <th scope="col">
            <abbr title="highest reading, in percent of max HR">Peak</abbr>
          </th>
          <th scope="col">kcal</th>
          <th scope="col">Points</th>
          <th scope="col">
            <abbr title="minutes at or above 84 % of max HR">Min ≥ 84 %</abbr>
          </th>
          <th scope="col">Time in zones (min)</th>
        </tr>
      </thead>
      <tbody>
        {summary.participants.map((athlete) => (
          <AthleteRow key={athlete.participantId} athlete={athlete} />
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Class ({totals.participants})</th>
          <td />
          <td />
          <td />
          <td>{orDash(totals.kcal, whole)}</td>
          <td>{oneDecimal(totals.points)}</td>
          <td>{oneDecimal(totals.highIntensityMinutes)}</td>
          <td class="zones-cell">
            <ZoneBar minutesInZone={totals.minutesInZone} />
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
