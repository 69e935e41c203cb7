import { describe, expect, it } from '@jest/globals';
import { csvField, csvLine } from './export-csv.js';

describe('CSV fields (RFC 4180)', () => {
  it('leaves plain text and numbers as they are, and null empty', () => {
    expect(csvField('Athlete 1')).toBe('Athlete 1');
    expect(csvField(142)).toBe('142');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
  });

  it('quotes a field with a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('Doe, Jay')).toBe('"Doe, Jay"');
    expect(csvField('Jay "JJ" Doe')).toBe('"Jay ""JJ"" Doe"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('ends a line with CRLF', () => {
    expect(csvLine(['p1', 'Doe, "Jay"', 150, null])).toBe('p1,"Doe, ""Jay""",150,\r\n');
  });
});
