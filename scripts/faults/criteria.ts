// A pass criterion of a fault scenario, printed with what was measured.
export interface Criterion {
  name: string;
  ok: boolean;
  measured: string;
}

export const criterion = (name: string, ok: boolean, measured: string): Criterion => ({ name, ok, measured });

export function criteriaRows(criteria: readonly Criterion[]): string[] {
  return [
    '| criterion | result | measured |',
    '| --- | --- | --- |',
    ...criteria.map((each) => `| ${each.name} | ${each.ok ? 'pass' : '**FAIL**'} | ${each.measured} |`),
  ];
}
