// NATS and Postgres for the local stack: the user's when NATS_URL or
// DATABASE_URL is set, else our own, with data under HRM_DATA_DIR and ports
// of their own, started side by side. Our NATS requires credentials: its trust
// chain is made on first start in HRM_DATA_DIR/nats-auth and reused after.
import path from 'node:path';
import { adoptAnonymousStore, prepareNatsAuth, type PreparedNatsAuth, type TlsFiles } from '#nats-auth';
import {
  LocalPostgres,
  NatsServer,
  NATS_SERVER_MISSING,
  PostgresSetupError,
  natsServerBinary,
} from '#localstack';
import { LogFile } from './log-file.js';
import { PREFERRED_PORTS, choosePort, readPortMemory, writePortMemory } from './ports.js';

export const DATABASE_NAME = 'hrm';

export interface InfraOptions {
  dataDir: string;
  natsUrl: string | undefined;
  databaseUrl: string | undefined;
  /** The services' ports, which ours must not take. */
  servicePorts: number[];
  /** Our NATS serves its client port over TLS with these (NATS_TLS_CERT, NATS_TLS_KEY). */
  tls?: TlsFiles | undefined;
}

/** Where `npm start` keeps its NATS keys, the server's part of them and each user's creds. */
export const natsAuthDir = (dataDir: string) => path.join(dataDir, 'nats-auth');

export class StartError extends Error {
  override readonly name = 'StartError';
}

/** nats-server's lines that say why it stopped ([FTL] fatal, [ERR] error). */
const NATS_REASON = /\[(FTL|ERR)\]/;

/**
 * One line: what failed, why, and where its log is. A PostgresSetupError
 * already says what to do; the log has nothing to add to it.
 */
function startFailure(what: string, error: unknown, log: LogFile): StartError {
  if (error instanceof PostgresSetupError) return new StartError(error.message);
  const reason = error instanceof Error ? error.message : String(error || 'exited before it was ready');
  const told = log.lastLines().filter((line) => NATS_REASON.test(line));
  const why = told.length > 0 ? `${reason}: ${told[told.length - 1]?.trim() ?? ''}` : reason;
  return new StartError(`${what} failed to start: ${why} (log: ${log.file})`);
}

export class Infra {
  private nats: NatsServer | null = null;
  private postgres: LocalPostgres | null = null;
  private readonly logs: LogFile[] = [];
  natsUrl = '';
  databaseUrl = '';
  /** Our NATS's trust chain and creds; null when NATS_URL names the user's own NATS. */
  natsAuth: PreparedNatsAuth | null = null;

  constructor(private readonly options: InfraOptions) {}

  /** Starts whatever the environment does not provide; throws a StartError that reads as one message. */
  async start(): Promise<void> {
    const { dataDir, servicePorts } = this.options;
    const remembered = readPortMemory(dataDir);
    const natsPort =
      this.options.natsUrl === undefined
        ? await choosePort({ candidates: [remembered.nats, PREFERRED_PORTS.nats], avoid: servicePorts })
        : undefined;
    const postgresPort =
      this.options.databaseUrl === undefined
        ? await choosePort({
            candidates: [remembered.postgres, PREFERRED_PORTS.postgres],
            avoid: [...servicePorts, ...(natsPort === undefined ? [] : [natsPort])],
          })
        : undefined;
    const started = await Promise.allSettled([this.startNats(natsPort), this.startPostgres(postgresPort)]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await this.stop();
      throw failed.reason;
    }
    writePortMemory(dataDir, {
      ...remembered,
      nats: natsPort ?? remembered.nats,
      postgres: postgresPort ?? remembered.postgres,
    });
  }

  private logFile(name: string): LogFile {
    const log = new LogFile(path.join(this.options.dataDir, 'logs', `${name}.log`));
    this.logs.push(log);
    return log;
  }

  private async startNats(port: number | undefined): Promise<void> {
    if (port === undefined) {
      this.natsUrl = this.options.natsUrl ?? '';
      return;
    }
    if (natsServerBinary() === null) throw new StartError(NATS_SERVER_MISSING);
    const log = this.logFile('nats-server');
    try {
      // Keys reused from the last start: the JetStream store belongs to the account they name.
      this.natsAuth = await prepareNatsAuth(natsAuthDir(this.options.dataDir));
      const storeDir = path.join(this.options.dataDir, 'nats');
      // A store from before NATS had auth: its streams become the account's, nothing is left behind.
      if (adoptAnonymousStore(storeDir, this.natsAuth.authority.account.getPublicKey())) {
        log.write('the JetStream store written without auth now belongs to the HRM account');
      }
      this.nats = await NatsServer.start({
        dataDir: storeDir,
        port,
        auth: this.natsAuth.serverConfig,
        ...(this.options.tls && { tls: this.options.tls }),
        onLog: log.write,
      });
    } catch (error) {
      throw startFailure('nats-server', error, log);
    }
    this.natsUrl = this.nats.url;
  }

  private async startPostgres(port: number | undefined): Promise<void> {
    if (port === undefined) {
      this.databaseUrl = this.options.databaseUrl ?? '';
      return;
    }
    const log = this.logFile('postgres');
    try {
      this.postgres = await LocalPostgres.start({
        dataDir: path.join(this.options.dataDir, 'postgres'),
        port,
        database: DATABASE_NAME,
        onLog: log.write,
      });
    } catch (error) {
      throw startFailure('Postgres', error, log);
    }
    this.databaseUrl = this.postgres.url(DATABASE_NAME);
  }

  /** Where our Postgres keeps its cluster when that is not in the data directory (root, a 0700 checkout). */
  get relocatedCluster(): { dir: string; link: string } | null {
    const link = this.postgres?.clusterLink ?? null;
    return this.postgres === null || link === null ? null : { dir: this.postgres.clusterDir, link };
  }

  /** Postgres first (the services are gone by then), NATS last. `force` does not wait for a clean shutdown. */
  async stop(force = false): Promise<void> {
    const postgres = this.postgres;
    this.postgres = null;
    if (postgres !== null) await (force ? postgres.kill() : postgres.stop()).catch(() => undefined);
    const nats = this.nats;
    this.nats = null;
    if (nats !== null) await nats.stop(force).catch(() => undefined);
    await Promise.all(this.logs.splice(0).map((log) => log.close()));
  }
}
