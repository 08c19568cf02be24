/**
 * The Prometheus text exposition format, version 0.0.4: what `GET /metrics` answers, with this
 * content type.
 */
export const expositionContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** Label names and values of one series, in the order they print. */
export type Labels = readonly (readonly [string, string])[];

/** A family ready to print: a counter's series, or a histogram's with per-bucket counts. */
export type FamilySnapshot =
  | {
      readonly name: string;
      readonly type: 'counter';
      readonly help: string;
      readonly series: readonly { readonly labels: Labels; readonly value: number }[];
    }
  | {
      readonly name: string;
      readonly type: 'histogram';
      readonly help: string;
      readonly buckets: readonly number[];
      readonly series: readonly HistogramSeries[];
    };

export interface HistogramSeries {
  readonly labels: Labels;
  /** Observations per bucket, not cumulative; one more than the bounds (the last is above them). */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/**
 * Prints families as `# HELP`, `# TYPE` and one line per sample; a histogram's buckets are
 * cumulative and end with `le="+Inf"`, followed by `_sum` and `_count`. Ends with a newline.
 */
export function formatExposition(families: readonly FamilySnapshot[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'counter') {
      for (const s of family.series)
        lines.push(`${family.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
      continue;
    }
    for (const s of family.series) {
      let cumulative = 0;
      family.buckets.forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        lines.push(
          `${family.name}_bucket${formatLabels([...s.labels, ['le', formatValue(bound)]])} ${cumulative}`,
        );
      });
      lines.push(`${family.name}_bucket${formatLabels([...s.labels, ['le', '+Inf']])} ${s.count}`);
      lines.push(`${family.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${family.name}_count${formatLabels(s.labels)} ${s.count}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Labels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** In a label value, backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** In help text, backslash and line feed are escaped. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's float syntax, which Prometheus reads: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
