// Structured logs: one JSON object a line, with the service and, where there
// is one, the correlation id of the event that caused the line.
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/** Keys whose values are secrets: replaced before anything is written. */
const secretKey = /token|secret|password|authorization|cookie/i;

/** Errors from another realm (a VM context, a worker) fail `instanceof Error`. */
function isErrorLike(value: unknown): value is { name: string; message: string } {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      'message' in value &&
      typeof value.message === 'string' &&
      'name' in value &&
      typeof value.name === 'string')
  );
}

function redact(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (secretKey.test(key)) clean[key] = '[redacted]';
    else if (isErrorLike(value)) clean[key] = { name: value.name, message: value.message };
    else clean[key] = value;
  }
  return clean;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(
  service: string,
  level: Level = 'info',
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const log = (at: Level, msg: string, fields: LogFields = {}) => {
    if (order[at] < order[level]) return;
    write(
      JSON.stringify({
        t: new Date().toISOString(),
        level: at,
        service,
        msg,
        ...redact(base),
        ...redact(fields),
      }),
    );
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger(service, level, { ...base, ...fields }, write),
  };
}
