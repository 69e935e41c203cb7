// Prisma CLI configuration. The CLI runs on its bundled WebAssembly schema
// engine through a driver adapter, so it needs no binary download: `prisma
// generate` and `prisma migrate deploy` work offline as well as online.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg-cli';

// The CLI still looks for native engine files before it honours `engine: 'js'`;
// pointing it at any existing file stops it from trying to download them.
const placeholderEngine = path.resolve('prisma', 'schema.prisma');
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= placeholderEngine;
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= placeholderEngine;

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL ?? 'postgresql://localhost:5432/hrm';
    return new PrismaPg({ connectionString });
  },
});
