// How `npm start` shows the output of its processes: one line each, behind a
// padded (and, on a terminal, coloured) name, with the services' JSON log lines
// turned into something a person reads at a glance.
import { z } from 'zod';

/** Wide enough for the longest name, `spotify-worker`. */
export const PREFIX_WIDTH = 14;

const ansi = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
} as const;

const nameColours: Readonly<Record<string, string>> = {
  api: ansi.cyan,
  ingest: ansi.magenta,
  realtime: ansi.green,
  'spotify-worker': ansi.yellow,
  demo: ansi.blue,
};

const levelColours: Readonly<Record<string, string>> = {
  debug: ansi.dim,
  warn: ansi.yellow,
  error: ansi.red,
};

export const paint = (colour: boolean, code: string, text: string): string =>
  colour && code !== '' ? `${code}${text}${ansi.reset}` : text;

export const bold = (colour: boolean, text: string): string => paint(colour, ansi.bold, text);

/** `api            │ `: the name padded to the widest one, then a bar. */
export function linePrefix(name: string, colour: boolean): string {
  return `${paint(colour, nameColours[name] ?? ansi.bold, name.padEnd(PREFIX_WIDTH))} │ `;
}

/** A structured log line as `createLogger` writes it; anything else passes through. */
const jsonLogLine = z.looseObject({
  t: z.string().optional(),
  level: z.string().optional(),
  msg: z.string(),
});

/** `HH:MM:SS.mmm` in local time, or the value as given when it is not a date. */
export function clockTime(value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}

/** A field value kept short: bare words stay bare, the rest is JSON. */
export function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** `10:00:01.123 INFO  listening port=3000`, or the line unchanged when it is not a JSON log line. */
export function formatLogLine(line: string, colour: boolean): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  const parsed = jsonLogLine.safeParse(parseJson(trimmed));
  if (!parsed.success) return line;
  const { t, level, msg, service: _service, ...fields } = parsed.data;
  const levelName = (level ?? 'info').toLowerCase();
  const parts = [
    ...(t === undefined ? [] : [paint(colour, ansi.dim, clockTime(t))]),
    paint(colour, levelColours[levelName] ?? '', levelName.toUpperCase().padEnd(5)),
    msg,
    ...Object.entries(fields)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => paint(colour, ansi.dim, `${key}=`) + fieldValue(value)),
  ];
  return parts.join(' ');
}

/** One output line of a named process, ready for the console. */
export function formatPrefixed(name: string, line: string, colour: boolean): string {
  return linePrefix(name, colour) + formatLogLine(line, colour);
}
