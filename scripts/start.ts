// `npm start`: the whole stack on one machine with no configuration. NATS and
// Postgres of its own (unless NATS_URL / DATABASE_URL point elsewhere), the four
// services, and a demo class with a simulated gateway. See scripts/stack/.
import { fileURLToPath } from 'node:url';
import { ConfigError, loadEnv, stackEnv, type StackEnv } from '#config';
import { NATS_SERVER_MISSING, natsServerBinary } from '#localstack';
import { launchSupervisor } from './stack/launcher.js';
import { portsInUse, servicePorts } from './stack/services.js';

const SUPERVISE = '--supervise';

/** The configuration, or null after printing one line that names every bad variable. */
function readConfiguration(): StackEnv | null {
  try {
    return loadEnv(stackEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`npm start: ${error.message}\n`);
    return null;
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const env = readConfiguration();
  if (env === null) return 2;
  if (argv.includes(SUPERVISE)) {
    const { supervise } = await import('./stack/supervisor.js');
    return supervise(env);
  }
  if (env.NATS_URL === undefined && natsServerBinary() === null) {
    process.stderr.write(`npm start: ${NATS_SERVER_MISSING}\n`);
    return 1;
  }
  const busy = await portsInUse(servicePorts(env));
  if (busy.length > 0) {
    process.stderr.write(
      `npm start: ${busy.join(', ')}: stop what runs there, or choose free ports with these variables\n`,
    );
    return 1;
  }
  return launchSupervisor(fileURLToPath(import.meta.url), [SUPERVISE]);
}

process.exit(await main());
