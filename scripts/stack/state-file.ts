// Small JSON files under HRM_DATA_DIR that the stack remembers between starts.
// They are a convenience, never a source of truth: a missing, unreadable or
// corrupt file reads as "nothing remembered", and is rewritten.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** The parsed content, or null when the text is not JSON or does not match the schema. */
export function parseState<S extends z.ZodType>(schema: S, text: string | null): z.output<S> | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function readState<S extends z.ZodType>(schema: S, file: string): z.output<S> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return parseState(schema, text);
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeState(file: string, value: unknown, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n', { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}
