// What a database error means for the caller: an outage (the database is
// down, restarting, out of connections, or asked us to retry a conflict),
// which passes by itself and must be waited out, or a refusal of this very
// statement (bad data, a broken constraint, a bug in our SQL), which repeats
// on every attempt. The projection runner parks an event on the second kind
// only, and the API answers 503 on the first.

export interface DbErrorInfo {
  /** True when the same statement may succeed later without anything changing in it. */
  transient: boolean;
  /** SQLSTATE when Postgres gave one, else Prisma's or the socket's code; null when none. */
  code: string | null;
  /** One line, without Prisma's call-site preamble. */
  message: string;
}

/** SQLSTATE classes and codes of an outage: connection (08), resources (53), operator (57P),
 * system (58), serialization failure and deadlock (40001, 40P01), lock timeout (55P03),
 * statement cancelled (57014), and the database or login not there (3D000, 28xxx). */
const transientSqlState = /^(08|53|57P|58|28)|^(40001|40P01|55P03|57014|3D000)$/;
/** Prisma's own codes for the server unreachable, timing out or closing the connection, the pool
 * exhausted, a transaction that could not start or was closed under it, and a write conflict. */
const transientPrismaCodes = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1011',
  'P1017',
  'P2024',
  'P2028',
  'P2034',
]);
/** What @prisma/adapter-pg names its connection failures (driverAdapterError.cause.kind). */
const transientAdapterKinds = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TlsConnectionError',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
]);
const transientSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres throws these without a code when the server goes away or the pool waits too long. */
const transientMessages =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection/i;
/** Prisma classes that mean the client or its connection failed, not the statement. */
const transientPrismaClasses = new Set(['PrismaClientInitializationError', 'PrismaClientRustPanicError']);

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Classifies any thrown value; an error that is no database error counts as a refusal. */
export function describeDbError(error: unknown): DbErrorInfo {
  const layers = causeChain(error);
  const codes = layers.flatMap((layer) => [text(layer['originalCode']), text(layer['code'])]);
  const sqlState = codes.find(
    (code) =>
      code !== undefined &&
      /^[0-9A-Z]{5}$/.test(code) &&
      !/^P\d{4}$/.test(code) &&
      !transientSocketCodes.has(code),
  );
  const anyCode = sqlState ?? codes.find((code) => code !== undefined && code !== 'N/A');
  const transient = sqlState
    ? transientSqlState.test(sqlState) || layers.some(isConnectionLayer)
    : layers.some(
        (layer) =>
          isConnectionLayer(layer) ||
          transientPrismaCodes.has(text(layer['code']) ?? '') ||
          transientSocketCodes.has(text(layer['code']) ?? '') ||
          transientPrismaClasses.has(text(layer['name']) ?? ''),
      ) || layers.some((layer) => transientMessages.test(text(layer['message']) ?? ''));
  return { transient, code: anyCode ?? null, message: messageOf(error, layers) };
}

export const isTransientDbError = (error: unknown): boolean => describeDbError(error).transient;

function isConnectionLayer(layer: Fields): boolean {
  return transientAdapterKinds.has(text(layer['kind']) ?? '');
}

/** The error, Prisma's driver-adapter error and its cause, and any `cause` chain, outermost first. */
function causeChain(error: unknown): Fields[] {
  const layers: Fields[] = [];
  let current: unknown = error;
  while (isObject(current) && layers.length < 8 && !layers.includes(current)) {
    layers.push(current);
    const meta = current['meta'];
    const adapterError = isObject(meta) ? meta['driverAdapterError'] : undefined;
    current = isObject(adapterError) ? adapterError : current['cause'];
  }
  return layers;
}

function messageOf(error: unknown, layers: Fields[]): string {
  const original = layers.map((layer) => text(layer['originalMessage'])).find((message) => message);
  if (original) return original;
  const message = error instanceof Error ? error.message : String(error);
  // Prisma prefixes "Invalid `prisma.x()` invocation:" and a code excerpt: keep the last line.
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return (lines.at(-1) ?? message).slice(0, 1000);
}
