import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseSimulateArgs, type SimulateCommand } from './options.js';

const required = ['--studio', 'st_1', '--gateway', 'gw-1'];
const noStack = { HRM_DATA_DIR: '/nonexistent-hrm-data' };

function run(
  argv: string[],
  env: NodeJS.ProcessEnv = noStack,
): Extract<SimulateCommand, { kind: 'run' }>['options'] {
  const parsed = parseSimulateArgs(argv, env);
  if (!parsed.ok) throw new Error(parsed.error);
  if (parsed.value.kind !== 'run') throw new Error('expected a run');
  return parsed.value.options;
}
const errorOf = (argv: string[], env: NodeJS.ProcessEnv = noStack): string => {
  const parsed = parseSimulateArgs(argv, env);
  return parsed.ok ? 'no error' : parsed.error;
};

function dataDirWithNatsPort(port: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-sim-'));
  fs.writeFileSync(path.join(dir, 'ports.json'), JSON.stringify({ nats: port, postgres: 15432 }));
  return dir;
}

describe('simulator command line', () => {
  it('answers --help and -h with usage, even beside other options', () => {
    expect(parseSimulateArgs(['--help'], noStack)).toEqual({ ok: true, value: { kind: 'help' } });
    expect(parseSimulateArgs(['-h', '--studio', 'st_1'], noStack)).toEqual({
      ok: true,
      value: { kind: 'help' },
    });
  });

  it('names what is wrong in one line', () => {
    expect(errorOf(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(errorOf(['--athletes', '3'])).toBe('missing --studio, --gateway');
    expect(errorOf(required)).toBe('give --athletes N or --devices IDS');
    expect(errorOf([...required, '--athletes', '0'])).toMatch(/^--athletes: /);
    expect(errorOf([...required, '--athletes', '2', '--tick-ms', '5'])).toMatch(/^--tick-ms: /);
    expect(errorOf([...required, '--athletes', '2', '--warmup', 'soon'])).toMatch(
      /^--warmup: must be a duration/,
    );
    for (const message of [errorOf(['--bogus']), errorOf(required)]) expect(message).not.toContain('\n');
  });

  it('takes the straps from --devices, as a list or from a file', () => {
    expect(run([...required, '--devices', 'ant:120:54321, ant:120:54322']).devices).toEqual([
      'ant:120:54321',
      'ant:120:54322',
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-sim-')), 'straps.txt');
    fs.writeFileSync(file, '# front row\nant:120:1\n\nant:120:2  # Anna\r\nble:hrm:a1b2\n');
    expect(run([...required, '--devices', `@${file}`]).devices).toEqual([
      'ant:120:1',
      'ant:120:2',
      'ble:hrm:a1b2',
    ]);
    expect(run([...required, '--devices', 'ant:120:1', '--athletes', '1']).devices).toEqual(['ant:120:1']);
  });

  it('refuses straps it cannot send', () => {
    expect(errorOf([...required, '--devices', 'a,a'])).toBe('--devices: a is listed twice');
    expect(errorOf([...required, '--devices', 'a,,b'])).toMatch(/^--devices \(id 2\): /);
    expect(errorOf([...required, '--devices', 'a,b', '--athletes', '3'])).toMatch(
      /--athletes is 3 but --devices lists 2/,
    );
    expect(errorOf([...required, '--devices', '@/nonexistent/straps.txt'])).toBe(
      '--devices: cannot read /nonexistent/straps.txt (ENOENT)',
    );
  });

  it('reads --warmup as a duration', () => {
    const warmup = (text: string) => run([...required, '--athletes', '1', '--warmup', text]).warmupS;
    expect(warmup('10s')).toBe(10);
    expect(warmup('2m')).toBe(120);
    expect(warmup('1m30s')).toBe(90);
    expect(warmup('0')).toBe(0);
    expect(run([...required, '--athletes', '1']).warmupS).toBeUndefined();
    expect(errorOf([...required, '--athletes', '1', '--warmup', '2h'])).toMatch(/^--warmup: /);
  });

  it("publishes to the stack's NATS when its ports file exists, else NATS_URL, else 4222; --nats wins", () => {
    const dataDir = dataDirWithNatsPort(14222);
    const stack = { HRM_DATA_DIR: dataDir, NATS_URL: 'nats://elsewhere:4222' };
    expect(run([...required, '--athletes', '1'], stack)).toMatchObject({
      nats: 'nats://127.0.0.1:14222',
      natsSource: { kind: 'stack', file: path.join(dataDir, 'ports.json') },
    });
    expect(run([...required, '--athletes', '1', '--nats', 'nats://mine:4333'], stack)).toMatchObject({
      nats: 'nats://mine:4333',
      natsSource: { kind: 'flag' },
    });
    expect(
      run([...required, '--athletes', '1'], { ...noStack, NATS_URL: 'nats://elsewhere:4222' }).nats,
    ).toBe('nats://elsewhere:4222');
    expect(run([...required, '--athletes', '1'], noStack)).toMatchObject({
      nats: 'nats://127.0.0.1:4222',
      natsSource: { kind: 'standard' },
    });
  });

  it('keeps JSON lines for machines behind --json', () => {
    expect(run([...required, '--athletes', '1']).json).toBe(false);
    expect(run([...required, '--athletes', '1', '--json']).json).toBe(true);
  });
});
