import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultAlarmTuning } from '../../../lib/constructs/alarm-tuning.ts';
import { metricCatalog } from '../../../protocol/metrics.ts';

const operations = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');

/** The rows of the Markdown table whose header's first cell is `header`, as trimmed cells. */
function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${header}\\s*\\|`).test(line));
  if (start < 0) throw new Error(`no table headed "${header}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const codes = (cell = '') => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]);

describe('docs/operations.md', () => {
  const rows = tableRows(operations, 'metric');

  it('lists every metric of protocol/metrics.ts in its reference table, and only those', () => {
    expect(rows.flatMap((row) => codes(row[0])).sort()).toEqual(Object.keys(metricCatalog).sort());
  });

  it('gives each metric the kind and the dimensions of the catalog', () => {
    for (const [name, kind, dimensions] of rows) {
      const definition = metricCatalog[codes(name)[0] as keyof typeof metricCatalog];
      expect({ kind, dimensions: codes(dimensions) }, name).toEqual({
        kind: definition.kind,
        dimensions: [...definition.dimensions],
      });
    }
  });

  it('states the default threshold of every kind of alarm in its alarm table', () => {
    const section = operations.slice(operations.indexOf('\n## Alarms\n'), operations.indexOf('\n### '));
    const defaults = [...section.matchAll(/\| ([\d,.]+)(?: %| ms| s| message)?[^|]*, (\d+) min, (\d+) +\|/g)];
    const documented = new Set(defaults.map((m) => `${m[1]?.replace(',', '')}/${m[2]}/${m[3]}`));
    for (const [kind, tuning] of Object.entries(defaultAlarmTuning)) {
      const threshold = kind === 'functionDuration' ? tuning.threshold * 100 : tuning.threshold;
      expect(documented, kind).toContain(
        `${threshold}/${tuning.period.toMinutes()}/${tuning.evaluationPeriods}`,
      );
    }
  });
});
