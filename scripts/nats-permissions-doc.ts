// Writes the NATS permission table into docs/architecture.md from the one in
// libs/nats-auth (test/nats-permissions.spec.ts fails while they differ).
// Run: npm run docs:nats-permissions
import fs from 'node:fs';
import path from 'node:path';
import { permissionsMarkdown } from '#nats-auth';

const file = path.join(process.cwd(), 'docs', 'architecture.md');
const start = '<!-- nats-permissions:start -->';
const end = '<!-- nats-permissions:end -->';
const docs = fs.readFileSync(file, 'utf8');
const from = docs.indexOf(start);
const to = docs.indexOf(end);
if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
fs.writeFileSync(
  file,
  `${docs.slice(0, from + start.length)}\n\n${permissionsMarkdown()}\n\n${docs.slice(to)}`,
);
console.log(`${path.relative(process.cwd(), file)}: NATS permission table written (run prettier on it)`);
