// /report/<sessionId>#token=…: a class after (or during) the fact, for the coach
// and the athletes: the numbers per athlete, each one's heart rate over the
// class against their zones, and the samples as CSV. Any token of the studio
// may read it. uPlot is imported here only, so the room's screen never loads it.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SessionSummary } from '#contracts';
import { Api, ApiError } from '../api.js';
import { Notice } from '../components/class-board.js';
import { clockText } from '../components/format.js';
import { CsvLink } from './report/csv-link.js';
import { chartSeries, secondsRange } from './report/chart-series.js';
import { HeartRateChart } from './report/heart-rate-chart.js';
import { bucketMs, classLengthMs, loadReport, type ClassReport } from './report/load-report.js';
import { SummaryTable, ZoneBar } from './report/summary-table.js';
import './report.css';

type Loaded =
  { kind: 'loading' } | { kind: 'ready'; report: ClassReport } | { kind: 'failed'; error: unknown };

function useReport(api: Api, sessionId: string): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    loadReport(api, sessionId).then(
      (report) => current && setLoaded({ kind: 'ready', report }),
      (error: unknown) => current && setLoaded({ kind: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [api, sessionId]);
  return loaded;
}

/** What went wrong, in the API's words (its problem title), with what to do about it. */
function failureText(error: unknown): { title: string; text: string } {
  if (!(error instanceof ApiError))
    return { title: 'Cannot load this report', text: error instanceof Error ? error.message : String(error) };
  if (error.status === 401 || error.status === 403)
    return { title: error.title, text: 'This link’s token is not accepted: ask the studio for a new link.' };
  if (error.status === 404)
    return { title: error.title, text: 'No such class in this studio: check the link.' };
  return { title: error.title, text: error.detail ?? '' };
}

const dateTime = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function ClassFacts({ summary }: { summary: SessionSummary }) {
  const length = classLengthMs(summary);
  return (
    <dl class="report-facts">
      <div>
        <dt>Started</dt>
        <dd>{summary.startedAt === null ? 'not yet' : dateTime(summary.startedAt)}</dd>
      </div>
      <div>
        <dt>{summary.status === 'live' ? 'Running for' : 'Length'}</dt>
        <dd>{summary.startedAt === null ? '–' : clockText(length, false)}</dd>
      </div>
      <div>
        <dt>Athletes</dt>
        <dd>{summary.totals.participants}</dd>
      </div>
      <div>
        <dt>Samples</dt>
        <dd data-samples={summary.totals.samples}>{summary.totals.samples.toLocaleString()}</dd>
      </div>
    </dl>
  );
}

function Charts({ report }: { report: ClassReport }) {
  const { summary } = report;
  const classStart = summary.startedAt ?? firstSampleAt(report) ?? 0;
  const charts = useMemo(
    () =>
      summary.participants.map((athlete) => ({
        athlete,
        series: chartSeries(
          report.pointsOf.get(athlete.participantId) ?? [],
          classStart,
          bucketMs[report.bucket],
        ),
        thresholds: report.thresholdsOf.get(athlete.participantId) ?? [],
      })),
    [report, summary, classStart],
  );
  const seconds = useMemo(
    () =>
      secondsRange(
        charts.map((chart) => chart.series),
        classLengthMs(summary) / 1000,
      ),
    [charts, summary],
  );
  return (
    <section class="report-charts" aria-label="Heart rate per athlete">
      {charts.map(({ athlete, series, thresholds }) => (
        <article class="chart-card" key={athlete.participantId}>
          <header>
            <h3>{athlete.displayName}</h3>
            <span class="chart-max">max HR {athlete.maxHr}</span>
          </header>
          {series.drawn === 0 ? (
            <p class="chart-empty" data-participant-id={athlete.participantId} data-points={0}>
              No heart rate recorded.
            </p>
          ) : (
            <HeartRateChart
              participantId={athlete.participantId}
              displayName={athlete.displayName}
              series={series}
              thresholds={thresholds}
              maxHr={athlete.maxHr}
              seconds={seconds}
            />
          )}
          <ZoneBar minutesInZone={athlete.minutesInZone} />
        </article>
      ))}
    </section>
  );
}

function firstSampleAt(report: ClassReport): number | null {
  const firsts = [...report.pointsOf.values()].flatMap((points) => (points[0] ? [points[0].t] : []));
  return firsts.length ? Math.min(...firsts) : null;
}

function ZoneLegend() {
  return (
    <ul class="zone-legend" aria-label="Zone colours">
      {[1, 2, 3, 4, 5].map((zone) => (
        <li key={zone}>
          <span class={`zone-swatch zone-bg-${zone}`} aria-hidden="true" />
          Zone {zone}
        </li>
      ))}
    </ul>
  );
}

function Report({ report, api, sessionId }: { report: ClassReport; api: Api; sessionId: string }) {
  const { summary } = report;
  const noSamples = summary.totals.samples === 0;
  useEffect(() => {
    // The tab's, the bookmark's and the printout's name.
    document.title = `${report.title}: class report`;
  }, [report.title]);
  return (
    <div class="report" data-status={summary.status} data-report={noSamples ? 'empty' : 'ready'}>
      <header class="report-head">
        <div>
          <p class="report-kind">Class report</p>
          <h1>{report.title}</h1>
          <span class={`session-status status-${summary.status}`}>{summary.status}</span>
        </div>
        <ClassFacts summary={summary} />
        <div class="report-actions">
          <CsvLink api={api} sessionId={sessionId} fileName={`${sessionId}.csv`} />
        </div>
      </header>
      {summary.status === 'live' && (
        <p class="report-note" role="status">
          The class is still running: these figures are as of {new Date().toLocaleTimeString()}. Reload for
          newer ones.
        </p>
      )}
      {summary.participants.length === 0 ? (
        <p class="report-empty">No athletes joined this class.</p>
      ) : (
        <>
          {noSamples && (
            <p class="report-empty" role="status">
              No heart-rate samples in this class yet.
            </p>
          )}
          <section aria-label="Summary">
            <SummaryTable summary={summary} />
          </section>
          {!noSamples && (
            <>
              <div class="charts-head">
                <h2>Heart rate over the class</h2>
                <ZoneLegend />
              </div>
              <Charts report={report} />
            </>
          )}
        </>
      )}
    </div>
  );
}

export function ReportPage({ sessionId, token }: { sessionId: string; token: string }) {
  const api = useMemo(() => new Api(token), [token]);
  const loaded = useReport(api, sessionId);
  if (loaded.kind === 'loading') return <Notice title="Loading the report…" text="" />;
  if (loaded.kind === 'failed') {
    const { title, text } = failureText(loaded.error);
    return <Notice title={title} text={text} />;
  }
  return <Report report={loaded.report} api={api} sessionId={sessionId} />;
}
