import { describe, expect, it } from '@jest/globals';
import {
  PREFIX_WIDTH,
  clockTime,
  fieldValue,
  formatLogLine,
  formatPrefixed,
  linePrefix,
} from './log-format.js';

const at = '2026-11-26T10:00:01.123Z';
const time = clockTime(at);
const stripAnsi = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '');

describe('service log lines', () => {
  it('shows a JSON log line as time, level, message, then the other fields compactly', () => {
    const line = JSON.stringify({ t: at, level: 'info', service: 'api', msg: 'listening', port: 3000 });
    expect(formatLogLine(line, false)).toBe(`${time} INFO  listening port=3000`);
  });

  it('quotes only values that need it, and writes objects as JSON', () => {
    const line = JSON.stringify({
      t: at,
      level: 'error',
      msg: 'projection batch failed',
      projection: 'sessions',
      error: { name: 'Error', message: 'boom' },
      detail: 'two words',
      skipped: null,
    });
    expect(formatLogLine(line, false)).toBe(
      `${time} ERROR projection batch failed projection=sessions error={"name":"Error","message":"boom"} detail="two words"`,
    );
  });

  it('passes anything that is not a JSON log line through unchanged', () => {
    for (const line of [
      'Error: listen EADDRINUSE',
      '    at Server.listen',
      '{not json',
      '{"no":"msg"}',
      '[1,2]',
    ])
      expect(formatLogLine(line, false)).toBe(line);
  });

  it('keeps a time it cannot read as it is', () => {
    expect(clockTime('soon')).toBe('soon');
    expect(time).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);
  });

  it('pads every name to the same width, before a bar', () => {
    expect(linePrefix('api', false)).toBe(`${'api'.padEnd(PREFIX_WIDTH)} │ `);
    expect(linePrefix('spotify-worker', false)).toBe('spotify-worker │ ');
    expect(formatPrefixed('ingest', 'plain text', false)).toBe(
      `${'ingest'.padEnd(PREFIX_WIDTH)} │ plain text`,
    );
  });

  it('colours the name and the level only on a terminal', () => {
    const line = JSON.stringify({ t: at, level: 'warn', msg: 'slow' });
    const coloured = formatPrefixed('realtime', line, true);
    expect(coloured).toContain('\u001b[');
    expect(stripAnsi(coloured)).toBe(formatPrefixed('realtime', line, false));
    expect(formatPrefixed('realtime', line, false)).not.toContain('\u001b[');
  });

  it('writes field values briefly', () => {
    expect(fieldValue('ant:120:54321')).toBe('ant:120:54321');
    expect(fieldValue('a=b')).toBe('"a=b"');
    expect(fieldValue(12.5)).toBe('12.5');
    expect(fieldValue(true)).toBe('true');
    expect(fieldValue([1, 2])).toBe('[1,2]');
  });
});
