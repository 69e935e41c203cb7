import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file in either `libs/` or `dist/libs/`. */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const libsAt = parts.lastIndexOf('libs');
  const root = parts.slice(0, libsAt).join(path.sep) || path.sep;
  return path.basename(root) === 'dist' ? path.dirname(root) : root;
}

/** Applies the migrations in prisma/migrations with `prisma migrate deploy`. */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const root = repoRoot();
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (${code}):\n${output}`)),
    );
  });
}
