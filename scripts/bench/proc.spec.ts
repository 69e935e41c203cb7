import { describe, expect, it } from '@jest/globals';
import { groupRssKb, groupTicks, parseStat, parseStatus } from './proc.js';

// A real line of /proc/<pid>/stat, command name with a space and a parenthesis.
const STAT =
  '4242 (node (api) x) S 4200 4242 4200 0 -1 4194304 9138 0 0 0 350 120 7 3 20 0 11 0 88 1141 38 ' +
  '18446744073709551615 1 1 0 0 0 0 0 16781312 134235650 0 0 0 17 1 0 0 0 0 0';

const STATUS = `Name:\tpostgres
VmPeak:\t  220000 kB
VmHWM:\t   51200 kB
VmRSS:\t   40960 kB
RssAnon:\t    8192 kB
RssFile:\t   12288 kB
RssShmem:\t   20480 kB
Threads:\t1
`;

describe('/proc parsing', () => {
  it('reads pid, parent and CPU ticks from a stat line whatever the command name holds', () => {
    expect(parseStat(STAT)).toEqual({ pid: 4242, ppid: 4200, utime: 350, stime: 120, cutime: 7, cstime: 3 });
    expect(parseStat('garbage')).toBeNull();
  });

  it('reads the memory lines of status in kB, 0 for a missing line', () => {
    expect(parseStatus(STATUS)).toEqual({
      hwmKb: 51200,
      rssKb: 40960,
      anonKb: 8192,
      fileKb: 12288,
      shmemKb: 20480,
    });
    expect(parseStatus('Name:\tkthreadd\n')).toEqual({
      hwmKb: 0,
      rssKb: 0,
      anonKb: 0,
      fileKb: 0,
      shmemKb: 0,
    });
  });

  it("adds a group's own pages and counts its shared memory once", () => {
    const member = parseStatus(STATUS);
    expect(groupRssKb([member, member, { ...member, shmemKb: 30000 }])).toBe(3 * (8192 + 12288) + 30000);
  });

  it("counts a group's CPU as the root's own and waited-for children's plus each live child's", () => {
    const root = { pid: 1, ppid: 0, utime: 10, stime: 5, cutime: 100, cstime: 50 };
    const child = { pid: 2, ppid: 1, utime: 20, stime: 4, cutime: 999, cstime: 999 };
    expect(groupTicks(root, [child, child])).toBe(10 + 5 + 100 + 50 + 2 * (20 + 4));
  });
});
