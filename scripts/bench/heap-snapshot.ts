// Reads a V8 heap snapshot (`.heapsnapshot`, as node's --heapsnapshot-signal
// or v8.writeHeapSnapshot writes it) and sums its objects' self sizes by
// constructor. The file is scanned as bytes rather than JSON.parse'd whole: a
// snapshot of a few hundred MB heap is larger than V8's longest string.
import fs from 'node:fs';
import { z } from 'zod';

/** What objects of one kind hold, without what they point to (self size). */
export interface HeapGroup {
  count: number;
  bytes: number;
}

export interface HeapSummary {
  /** Sum of every node's self size (V8 collects garbage before writing a snapshot: live memory only). */
  totalBytes: number;
  nodes: number;
  /** By constructor name for objects; `(type) name` for closures, arrays and V8's hidden objects; `(type)` for strings, numbers and code. */
  groups: Map<string, HeapGroup>;
}

const header = z.object({
  snapshot: z.object({
    meta: z.object({
      node_fields: z.array(z.string()),
      node_types: z.tuple([z.array(z.string())]).rest(z.unknown()),
    }),
    node_count: z.number(),
  }),
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past `marker` in `buffer`, searching from `from`. */
function after(buffer: Buffer, marker: string, from: number): number {
  const at = buffer.indexOf(marker, from, 'latin1');
  if (at < 0) throw new Error(`not a heap snapshot: no ${marker}`);
  return at + marker.length;
}

/** The non-negative integers of a JSON array starting at `start` (just past its `[`). */
function readIntegers(buffer: Buffer, start: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let n = 0;
  let value = -1;
  for (let i = start; i < buffer.length && n < count; i++) {
    const byte = buffer[i] ?? 0;
    if (byte >= 0x30 && byte <= 0x39) value = (value < 0 ? 0 : value * 10) + (byte - 0x30);
    else {
      if (value >= 0) out[n++] = value;
      value = -1;
      if (byte === 0x5d) break; // ]
    }
  }
  if (n !== count) throw new Error(`heap snapshot: expected ${count} numbers, read ${n}`);
  return out;
}

/** The JSON strings of the `strings` array starting at `start`. */
function readStrings(buffer: Buffer, start: number): string[] {
  const strings: string[] = [];
  let i = start;
  while (i < buffer.length) {
    const byte = buffer[i];
    if (byte === 0x5d) break;
    if (byte !== QUOTE) {
      i++;
      continue;
    }
    let end = i + 1;
    let escaped = false;
    for (; end < buffer.length; end++) {
      const c = buffer[end];
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) break;
    }
    const parsed: unknown = JSON.parse(buffer.toString('utf8', i, end + 1));
    strings.push(typeof parsed === 'string' ? parsed : '');
    i = end + 1;
  }
  return strings;
}

const byContent = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'code',
  'regexp',
  'bigint',
]);

export function groupName(type: string, name: string): string {
  if (type === 'object') return name;
  if (byContent.has(type)) return `(${type})`;
  return `(${type}) ${name}`;
}

export function summarizeHeapSnapshot(file: string): HeapSummary {
  const buffer = fs.readFileSync(file);
  const nodesAt = after(buffer, '"nodes":[', 0);
  const headerText = buffer
    .toString('utf8', 0, nodesAt - '"nodes":['.length)
    .trimEnd()
    .replace(/,$/, '');
  const meta = header.parse(JSON.parse(`${headerText}}`));
  const fields = meta.snapshot.meta.node_fields;
  const types = meta.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeField = fields.indexOf('type');
  const nameField = fields.indexOf('name');
  const sizeField = fields.indexOf('self_size');
  if (typeField < 0 || nameField < 0 || sizeField < 0) throw new Error('heap snapshot: unknown node fields');
  const count = meta.snapshot.node_count;
  const nodes = readIntegers(buffer, nodesAt, count * width);
  const strings = readStrings(buffer, after(buffer, '"strings":[', nodesAt));
  const groups = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let base = 0; base < nodes.length; base += width) {
    const type = types[nodes[base + typeField] ?? 0] ?? 'unknown';
    const name = strings[nodes[base + nameField] ?? 0] ?? '';
    const size = nodes[base + sizeField] ?? 0;
    const key = groupName(type, name);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.bytes += size;
    } else groups.set(key, { count: 1, bytes: size });
    totalBytes += size;
  }
  return { totalBytes, nodes: count, groups };
}

/** One constructor's growth per added screen between two snapshots. */
export interface GroupGrowth {
  name: string;
  /** Objects of this kind per screen. */
  perScreen: number;
  /** Bytes of this kind per screen. */
  bytesPerScreen: number;
}

/** What each screen added, by constructor, largest first: (after − before) / screens. */
export function growthPerScreen(before: HeapSummary, after: HeapSummary, screens: number): GroupGrowth[] {
  const names = new Set([...before.groups.keys(), ...after.groups.keys()]);
  const growth: GroupGrowth[] = [];
  for (const name of names) {
    const was = before.groups.get(name) ?? { count: 0, bytes: 0 };
    const is = after.groups.get(name) ?? { count: 0, bytes: 0 };
    growth.push({
      name,
      perScreen: (is.count - was.count) / screens,
      bytesPerScreen: (is.bytes - was.bytes) / screens,
    });
  }
  return growth.sort((a, b) => b.bytesPerScreen - a.bytesPerScreen);
}
