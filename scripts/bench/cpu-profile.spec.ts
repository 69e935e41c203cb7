import { describe, expect, it } from '@jest/globals';
import { packageOf, summarizeProfile } from './cpu-profile.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary', () => {
  it('adds self time per function and per package, leaving idle time out of both', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)', '') },
        { id: 2, callFrame: frame('parse', 'file:///w/node_modules/zod/v4/core/parse.js', 9) },
        { id: 3, callFrame: frame('ingest', 'file:///w/dist/apps/ingest/src/sample-ingestor.js', 99) },
        { id: 4, callFrame: frame('', 'file:///w/node_modules/@nats-io/jetstream/lib/x.js') },
      ],
      samples: [1, 2, 2, 3, 4],
      timeDeltas: [5000, 2000, 2000, 1000, 1000],
    };
    expect(summarizeProfile(profile)).toEqual({
      totalMs: 11,
      idleMs: 5,
      functions: [
        { name: 'parse parse.js:10', selfMs: 4, percent: 36.4 },
        { name: 'ingest sample-ingestor.js:100', selfMs: 1, percent: 9.1 },
        { name: '(anonymous) x.js:1', selfMs: 1, percent: 9.1 },
      ],
      packages: [
        { name: 'zod', selfMs: 4, percent: 36.4 },
        { name: 'apps/ingest/src/sample-ingestor.js', selfMs: 1, percent: 9.1 },
        { name: '@nats-io/jetstream', selfMs: 1, percent: 9.1 },
      ],
    });
  });

  it('names where code lives', () => {
    expect(packageOf('node:internal/streams')).toBe('node internals');
    expect(packageOf('')).toBe('(native / garbage collector)');
    expect(() => summarizeProfile({ nodes: 'x' })).toThrow();
  });
});
