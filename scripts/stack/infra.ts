// NATS and Postgres for the local stack: the user's when NATS_URL or
// DATABASE_URL is set, else our own, with data under HRM_DATA_DIR and ports
// of their own, started side by side. Our NATS is one nats-server, or with
// HRM_NATS_CLUSTER a cluster of 3 or 5 on local ports. It requires credentials:
// its trust chain is made on first start in HRM_DATA_DIR/nats-auth and reused
// after, the same for every node.
import path from 'node:path';
import { adoptAnonymousStore, prepareNatsAuth, type PreparedNatsAuth, type TlsFiles } from '#nats-auth';
import {
  LocalPostgres,
  NatsCluster,
  NatsServer,
  NATS_SERVER_MISSING,
  PostgresSetupError,
  natsServerBinary,
} from '#localstack';
import { LogFile } from './log-file.js';
import { natsServerVersionText, singleStoreDir, storeSwitchProblem, syncIntervalFor } from './nats-store.js';
import { PREFERRED_PORTS, choosePort, readPortMemory, writePortMemory, type PortMemory } from './ports.js';
import { StartError } from './start-error.js';

export { StartError } from './start-error.js';

export const DATABASE_NAME = 'hrm';

export interface InfraOptions {
  dataDir: string;
  natsUrl: string | undefined;
  databaseUrl: string | undefined;
  /** The services' ports, which ours must not take. */
  servicePorts: number[];
  /** Our NATS serves its client port over TLS with these (NATS_TLS_CERT, NATS_TLS_KEY). */
  tls?: TlsFiles | undefined;
  /** How many nats-servers: 1, or a cluster of 3 or 5 (HRM_NATS_CLUSTER). */
  natsCluster?: number;
  /** JetStream's sync_interval (HRM_NATS_SYNC_INTERVAL); nats-server 2.10 or later. */
  syncInterval?: string | undefined;
}

/** A node of our NATS cluster, for the banner. */
export interface NatsNodeInfo {
  name: string;
  url: string;
  pid: number | undefined;
  monitorUrl: string;
}

/** Where `npm start` keeps its NATS keys, the server's part of them and each user's creds. */
export const natsAuthDir = (dataDir: string) => path.join(dataDir, 'nats-auth');

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
  private cluster: NatsCluster | null = null;
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
    const natsPorts = this.options.natsUrl === undefined ? await this.chooseNatsPorts(remembered) : undefined;
    const postgresPort =
      this.options.databaseUrl === undefined
        ? await choosePort({
            candidates: [remembered.postgres, PREFERRED_PORTS.postgres],
            avoid: [...servicePorts, ...(natsPorts ?? [])],
          })
        : undefined;
    const started = await Promise.allSettled([this.startNats(natsPorts), this.startPostgres(postgresPort)]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await this.stop();
      throw failed.reason;
    }
    writePortMemory(dataDir, {
      ...remembered,
      // A cluster's first node here too: the simulator publishes to the port it finds there.
      nats: natsPorts?.[0] ?? remembered.nats,
      ...(natsPorts !== undefined && natsPorts.length > 1 && { natsCluster: natsPorts }),
      postgres: postgresPort ?? remembered.postgres,
    });
  }

  private get clusterSize(): number {
    return this.options.natsCluster ?? 1;
  }

  /**
   * One client port per node: the remembered ones when free (the single
   * server's port for the first node), else 14222, 14223, ...; never a
   * service's. Route and monitoring ports are free ones picked at each start.
   */
  private async chooseNatsPorts(remembered: PortMemory): Promise<number[]> {
    const chosen: number[] = [];
    for (let node = 0; node < this.clusterSize; node += 1) {
      const candidates =
        this.clusterSize === 1
          ? [remembered.nats, PREFERRED_PORTS.nats]
          : [
              remembered.natsCluster?.[node],
              node === 0 ? remembered.nats : undefined,
              PREFERRED_PORTS.nats + node,
            ];
      chosen.push(await choosePort({ candidates, avoid: [...this.options.servicePorts, ...chosen] }));
    }
    return chosen;
  }

  private logFile(name: string): LogFile {
    const log = new LogFile(path.join(this.options.dataDir, 'logs', `${name}.log`));
    this.logs.push(log);
    return log;
  }

  private async startNats(ports: number[] | undefined): Promise<void> {
    if (ports === undefined) {
      this.natsUrl = this.options.natsUrl ?? '';
      return;
    }
    const binary = natsServerBinary();
    if (binary === null) throw new StartError(NATS_SERVER_MISSING);
    const { dataDir } = this.options;
    const size = this.clusterSize;
    const switched = storeSwitchProblem(dataDir, size);
    if (switched !== null) throw new StartError(switched);
    const syncInterval = syncIntervalFor(this.options.syncInterval, binary, natsServerVersionText(binary));
    const log = this.logFile('nats-server');
    try {
      // Keys reused from the last start: the JetStream store belongs to the account they name.
      this.natsAuth = await prepareNatsAuth(natsAuthDir(dataDir));
      const server = {
        auth: this.natsAuth.serverConfig,
        ...(this.options.tls && { tls: this.options.tls }),
        ...(syncInterval !== undefined && { config: syncInterval }),
      };
      if (size > 1) {
        // Stores in HRM_DATA_DIR/nats-1, nats-2, ...; one log, each line led by its node's name.
        this.cluster = await NatsCluster.start({
          ...server,
          size,
          dataDir,
          ports,
          onLog: (node, line) => log.write(`${node} ${line}`),
        });
        this.natsUrl = this.cluster.url;
        return;
      }
      const storeDir = singleStoreDir(dataDir);
      // A store from before NATS had auth: its streams become the account's, nothing is left behind.
      if (adoptAnonymousStore(storeDir, this.natsAuth.authority.account.getPublicKey())) {
        log.write('the JetStream store written without auth now belongs to the HRM account');
      }
      this.nats = await NatsServer.start({ ...server, dataDir: storeDir, port: ports[0], onLog: log.write });
    } catch (error) {
      throw startFailure(size > 1 ? `the ${size}-node NATS cluster` : 'nats-server', error, log);
    }
    this.natsUrl = this.nats.url;
  }

  /** Our cluster's nodes (none for one server or the user's NATS). */
  get natsNodes(): NatsNodeInfo[] {
    return (this.cluster?.nodes ?? []).map((node) => ({
      name: node.name,
      url: node.server.url,
      pid: node.server.pid,
      monitorUrl: `http://127.0.0.1:${node.monitorPort}`,
    }));
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
    const nats = this.nats ?? this.cluster;
    this.nats = null;
    this.cluster = null;
    if (nats !== null) await nats.stop(force).catch(() => undefined);
    await Promise.all(this.logs.splice(0).map((log) => log.close()));
  }
}
