// What a class left behind, read for a check: its events (EVENTS), its heart-rate
// events (HR) and its rows in hr_samples.
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import pg from 'pg';
import { eventSubjects, streams, type DomainEvent } from '#contracts';
import { EventStore } from '#eventstore';

export interface ClassLog {
  sessionEvents: DomainEvent[];
  heartRateEvents: DomainEvent[];
}

/** Reads with a connection of its own, made with `natsOptions` (e.g. a stack's `natsOptions()`). */
export async function readClassLog(natsOptions: NodeConnectionOptions, sessionId: string): Promise<ClassLog> {
  const connection = await connect(natsOptions);
  try {
    const store = await EventStore.open(connection);
    const session = await store.readAggregate(streams.events.name, eventSubjects.session(sessionId));
    const heartRate = await store.readAggregate(
      streams.heartRate.name,
      eventSubjects.sessionHeartRate(sessionId),
    );
    return {
      sessionEvents: session.events.map((stored) => stored.event),
      heartRateEvents: heartRate.events.map((stored) => stored.event),
    };
  } finally {
    await connection.close();
  }
}

/** Rows of the class in hr_samples; undefined while Postgres does not answer. */
export async function storedSamples(databaseUrl: string, sessionId: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const result = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM hr_samples WHERE session_id = $1',
      [sessionId],
    );
    return Number(result.rows[0]?.n ?? 0);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
