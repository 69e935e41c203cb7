// `npm test` shows what failed, not what was expected to: specs that provoke
// failures on purpose (a socket handler that throws, projections whose
// database refuses batches) pass without printing error lines or stack traces.
// Runs them in a Jest of their own, on this run's NATS and Postgres, and reads
// everything it printed.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const expectingFailures = [
  'apps/realtime/src/screens/lean-io-adapter.spec.ts',
  'libs/eventstore/src/event-store.spec.ts',
];

function runJest(files: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  delete env.HRM_TEST_VERBOSE;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--colors', ...files],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm test’s output', () => {
  it('has no error lines or stack traces from specs that expect failures', async () => {
    const { code, output } = await runJest(expectingFailures);
    const plain = stripVTControlCharacters(output);
    expect(plain).toMatch(/PASS .*lean-io-adapter\.spec\.ts/);
    expect(plain).toMatch(/PASS .*event-store\.spec\.ts/);
    expect(code).toBe(0);
    const noise = plain
      .split('\n')
      .filter((line) => /"level":"error"|\bERROR\b|console\.error|^\s+at .+[:(]\d+/.test(line));
    expect(noise).toEqual([]);
  }, 120_000);
});
