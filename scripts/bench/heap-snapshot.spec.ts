import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { groupName, growthPerScreen, summarizeHeapSnapshot } from './heap-snapshot.js';

// The snapshots come from a small process of their own: the test runner's heap is
// hundreds of MB and shrinks or grows with the other suites between two snapshots.
const probeScript = `
  const v8 = require('node:v8');
  const path = require('node:path');
  class HeapProbe { constructor(index, label) { this.index = index; this.label = label; } }
  const kept = [];
  v8.writeHeapSnapshot(path.join(process.argv[1], 'before.heapsnapshot'));
  for (let i = 0; i < 1500; i++) kept.push(new HeapProbe(i, 'probe "' + i + '" \\\\ é'));
  v8.writeHeapSnapshot(path.join(process.argv[1], 'after.heapsnapshot'));
  process.stdout.write(String(kept.length));
`;

describe('heap snapshot summary', () => {
  it('counts the objects of a constructor and their self sizes, and what was added per screen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-spec-'));
    try {
      const run = spawnSync(process.execPath, ['-e', probeScript, dir], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('1500');
      const before = summarizeHeapSnapshot(path.join(dir, 'before.heapsnapshot'));
      const after = summarizeHeapSnapshot(path.join(dir, 'after.heapsnapshot'));
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
