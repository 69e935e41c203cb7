// Builds dist/ with tsc, and dist/web with Vite, when a source is newer than the last build, so that
// `npm start` and `npm test` after `npm install` do not wait for a compile
// they do not need. Plain JavaScript: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const sources = ['apps', 'libs', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'prisma'];

function newest(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const child of fs.readdirSync(full)) {
    if (child === 'node_modules') continue;
    latest = Math.max(latest, newest(path.join(entry, child)));
  }
  return latest;
}

const force = process.argv.includes('--force');
const stampOf = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

// The web app (apps/web, with the contracts and the domain it imports) is built by Vite into dist/web.
const webStamp = path.join(root, 'dist', 'web', '.build-stamp');
const webSources = ['apps/web', 'libs/contracts', 'libs/domain', 'package.json'];
if (force || Math.max(...webSources.map(newest)) >= stampOf(webStamp)) {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const web = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/web/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (web.status !== 0) process.exit(web.status ?? 1);
  fs.writeFileSync(webStamp, new Date().toISOString() + '\n');
}

const built = stampOf(stamp);
const changed = Math.max(...sources.map(newest));
if (changed < built && !force) process.exit(0);

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stamp, new Date().toISOString() + '\n');
