// The simulator's command line: parsed into options, or usage for --help, or
// one line that says what is wrong. No I/O but reading a `--devices @file`.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { sample, subjectToken, type ParseResult } from '#contracts';
import { MAX_STRAPS } from './gateway-model.js';
import { defaultClassPlan, warmupLengthS } from './athlete-curve.js';
import { resolveNatsUrl, type NatsUrlSource } from './nats-url.js';

export const USAGE = `usage: npm run simulate -- --studio S --gateway G (--athletes N | --devices IDS) [options]

A simulated heart-rate gateway: publishes its straps' samples to NATS as a gateway
in the room does (docs/contracts/gateway.md).

  --studio S        the studio id (st_…) the gateway belongs to
  --gateway G       the gateway's id, e.g. gw-2
  --athletes N      this many straps (1..${MAX_STRAPS}), with ids ant:120:<5 digits>
  --devices IDS     these straps instead, comma-separated (ant:120:54321,ant:120:54322),
                    or @FILE with one id a line (# starts a comment)
  --nats URL        NATS to publish to; default: the stack's from HRM_DATA_DIR/ports.json
                    (.data, written by npm start), else NATS_URL, else nats://127.0.0.1:4222
  --creds FILE      the gateway's NATS credentials file: what the API answers when the gateway
                    is registered (POST /api/v1/studios/S/gateways {"gatewayId":"G"}); the
                    platform's NATS refuses a client without one
  --tls-ca FILE     the CA (PEM) of a NATS server's TLS certificate that is not a public one
  --warmup D        time before the first interval, e.g. 10s, 2m, 0 (default ${formatDuration(warmupLengthS(defaultClassPlan))})
  --tick-ms MS      one sample a strap every MS ms (100..60000, default 1000)
  --seed K          another seed draws other athletes (default: from the gateway id)
  --duration-s D    stop after D seconds (default: until Ctrl-C)
  --json            JSON log lines instead of the lines for a person
  -h, --help        this text`;

const integerArg = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

/** `90`, `90s`, `2m`, `1m30s`, `0`: whole seconds. */
export const durationArg = z
  .string()
  .regex(/^(?:\d+|(?:\d+m)?(?:\d+s)?)$/, 'must be a duration such as 10s, 2m, 1m30s or 0')
  .refine((text) => text !== '', 'must be a duration such as 10s, 2m, 1m30s or 0')
  .transform((text) => {
    if (/^\d+$/.test(text)) return Number(text);
    const minutes = /(\d+)m/.exec(text)?.[1] ?? '0';
    const seconds = /(\d+)s/.exec(text)?.[1] ?? '0';
    return Number(minutes) * 60 + Number(seconds);
  })
  .pipe(z.int().min(0).max(3600, 'must be at most 1 hour'));

/** `45s`, `5m`, `1m30s`, whole seconds. */
export function formatDuration(totalS: number): string {
  const whole = Math.round(totalS);
  const minutes = Math.floor(whole / 60);
  const seconds = whole - minutes * 60;
  if (minutes === 0) return `${seconds}s`;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

const deviceId = sample.shape.deviceId;

export const simulateOptions = z.strictObject({
  studio: subjectToken,
  gateway: subjectToken,
  athletes: integerArg(1, MAX_STRAPS).optional(),
  devices: z.array(deviceId).min(1).max(MAX_STRAPS).optional(),
  nats: z.string().min(1),
  creds: z.string().min(1).optional(),
  tlsCa: z.string().min(1).optional(),
  warmupS: durationArg.optional(),
  tickMs: integerArg(100, 60_000).default(1000),
  seed: integerArg(0, 0xffffffff).optional(),
  durationS: integerArg(1, 7 * 24 * 3600).optional(),
  json: z.boolean(),
});
export type SimulateOptions = z.infer<typeof simulateOptions> & {
  /** Where `nats` came from, for the lines a person reads. */
  natsSource: NatsUrlSource;
};

export type SimulateCommand = { kind: 'help' } | { kind: 'run'; options: SimulateOptions };

/** Names each bad value after its flag: `--tick-ms: Too small: ...`. */
function describeArgIssues(error: z.ZodError): string {
  const flag = (key: PropertyKey | undefined) =>
    key === 'warmupS'
      ? '--warmup'
      : `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  return error.issues
    .map((issue) => {
      const at =
        issue.path[0] === 'devices' && typeof issue.path[1] === 'number' ? ` (id ${issue.path[1] + 1})` : '';
      return `${flag(issue.path[0])}${at}: ${issue.message}`;
    })
    .join('; ');
}

/** `a,b,c`, or `@file` with one id a line; blank lines and `#` comments are skipped. */
function readDeviceList(value: string): ParseResult<string[]> {
  if (!value.startsWith('@')) return { ok: true, value: value.split(',').map((id) => id.trim()) };
  const file = value.slice(1);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, error: `--devices: cannot read ${file} (${reason})` };
  }
  const ids = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  return ids.length > 0
    ? { ok: true, value: ids }
    : { ok: false, error: `--devices: ${file} lists no device id` };
}

function checkStraps(athletes: number | undefined, devices: string[] | undefined): string | null {
  if (athletes === undefined && devices === undefined) return 'give --athletes N or --devices IDS';
  if (devices === undefined) return null;
  const twice = devices.find((id, index) => devices.indexOf(id) !== index);
  if (twice !== undefined) return `--devices: ${twice} is listed twice`;
  if (athletes !== undefined && athletes !== devices.length)
    return `--athletes is ${athletes} but --devices lists ${devices.length} straps (one is enough)`;
  return null;
}

/** Reads the command line: help, options, or one readable line of what is wrong. */
export function parseSimulateArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParseResult<SimulateCommand> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        studio: { type: 'string' },
        gateway: { type: 'string' },
        athletes: { type: 'string' },
        devices: { type: 'string' },
        nats: { type: 'string' },
        creds: { type: 'string' },
        'tls-ca': { type: 'string' },
        warmup: { type: 'string' },
        'tick-ms': { type: 'string' },
        seed: { type: 'string' },
        'duration-s': { type: 'string' },
      },
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { ok: true, value: { kind: 'help' } };
  const missing = ['studio', 'gateway'].filter((name) => values[name] === undefined);
  if (missing.length > 0)
    return { ok: false, error: `missing ${missing.map((name) => `--${name}`).join(', ')}` };

  const devices = typeof values.devices === 'string' ? readDeviceList(values.devices) : null;
  if (devices !== null && !devices.ok) return devices;
  const nats = resolveNatsUrl({ flag: stringValue(values.nats), env });
  const files = readableFiles({
    '--creds': stringValue(values.creds),
    '--tls-ca': stringValue(values['tls-ca']),
  });
  if (files !== null) return { ok: false, error: files };
  const parsed = simulateOptions.safeParse({
    studio: values.studio,
    gateway: values.gateway,
    athletes: values.athletes,
    devices: devices?.value,
    nats: nats.url,
    creds: values.creds,
    tlsCa: values['tls-ca'],
    warmupS: values.warmup,
    tickMs: values['tick-ms'],
    seed: values.seed,
    durationS: values['duration-s'],
    json: values.json === true,
  });
  if (!parsed.success) return { ok: false, error: describeArgIssues(parsed.error) };
  const problem = checkStraps(parsed.data.athletes, parsed.data.devices);
  if (problem !== null) return { ok: false, error: problem };
  return { ok: true, value: { kind: 'run', options: { ...parsed.data, natsSource: nats.source } } };
}

/** One line naming the first given file that cannot be read, or null. */
function readableFiles(files: Record<string, string | undefined>): string | null {
  for (const [flag, file] of Object.entries(files)) {
    if (file === undefined) continue;
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (error) {
      const reason =
        typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
      return `${flag}: cannot read ${file} (${reason})`;
    }
  }
  return null;
}

const stringValue = (value: string | boolean | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
