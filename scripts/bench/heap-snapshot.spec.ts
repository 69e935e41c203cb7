import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from '@jest/globals';
import { groupName, growthPerScreen, summarizeHeapSnapshot } from './heap-snapshot.js';

class HeapProbe {
  constructor(
    readonly index: number,
    readonly label: string,
  ) {}
}

describe('heap snapshot summary', () => {
  it('counts the objects of a constructor and their self sizes, and what was added per screen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-spec-'));
    const kept: HeapProbe[] = [];
    try {
      const before = summarizeHeapSnapshot(v8.writeHeapSnapshot(path.join(dir, 'before.heapsnapshot')));
      for (let i = 0; i < 1500; i++) kept.push(new HeapProbe(i, `probe "${i}" \\ é`));
      const after = summarizeHeapSnapshot(v8.writeHeapSnapshot(path.join(dir, 'after.heapsnapshot')));
      expect(kept).toHaveLength(1500);
      expect(before.groups.get('HeapProbe')).toBeUndefined();
      const probes = after.groups.get('HeapProbe');
      expect(probes?.count).toBe(1500);
      // Two fields and a header: at least 16 bytes each on a 64-bit heap, never a kilobyte.
      expect(probes?.bytes).toBeGreaterThanOrEqual(1500 * 16);
      expect(probes?.bytes).toBeLessThan(1500 * 1024);
      expect(after.totalBytes).toBeGreaterThan(before.totalBytes);
      const growth = growthPerScreen(before, after, 1500);
      expect(growth.find((group) => group.name === 'HeapProbe')).toMatchObject({ perScreen: 1 });
      expect(growth.map((group) => group.bytesPerScreen)).toEqual(
        [...growth.map((group) => group.bytesPerScreen)].sort((a, b) => b - a),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names objects by constructor, closures and arrays by kind and name, strings by kind only', () => {
    expect(groupName('object', 'Socket')).toBe('Socket');
    expect(groupName('closure', 'onclose')).toBe('(closure) onclose');
    expect(groupName('string', 'any text')).toBe('(string)');
  });
});
