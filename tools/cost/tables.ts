import type { Cost } from './model.ts';
import type { Scenario } from './scenarios.ts';

export interface CostRow {
  readonly scenario: Scenario;
  readonly cost: Cost;
  readonly appSync: number;
}

/** Dollars per million units: cents for amounts of a dollar or more, three significant digits below. */
export const dollars = (perUnit: number): string => {
  const perMillion = perUnit * 1e6;
  if (perMillion === 0) return '$0';
  return `$${perMillion >= 1 ? perMillion.toFixed(2) : Number(perMillion.toPrecision(3)).toString()}`;
};
/** Three significant digits below 1, three decimals at most above. */
const amount = (n: number) =>
  (Math.abs(n) < 1 ? Number(n.toPrecision(3)) : Number(n.toFixed(3))).toLocaleString('en-US', {
    maximumSignificantDigits: 6,
  });

/** The cost table: dollars per million units by service, and the AppSync Events figure beside it. */
export function costTable(rows: readonly CostRow[], markdown: boolean): string {
  return table(
    ['per million', 'API Gateway', 'Lambda', 'DynamoDB', 'SQS', 'total', 'AppSync Events'],
    rows.map(({ scenario, cost, appSync }) => [
      `${scenario.name} (${scenario.unit}s)`,
      dollars(cost.apiGateway),
      dollars(cost.lambda),
      dollars(cost.dynamoDb),
      dollars(cost.sqs),
      dollars(cost.total),
      dollars(appSync),
    ]),
    markdown,
  );
}

/** The usage behind each row, per unit. */
export function usageTable(scenarios: readonly Scenario[], markdown: boolean): string {
  return table(
    [
      'per unit',
      'WS messages',
      'Lambda invocations',
      'GB-s',
      'RRU',
      'WRU',
      'SQS requests',
      'AppSync ops',
      'from',
    ],
    scenarios.map((s) => [
      s.name,
      amount(s.usage.wsMessages),
      amount(s.usage.lambdaRequests),
      amount(s.usage.lambdaGbSeconds),
      amount(s.usage.readUnits),
      amount(s.usage.writeUnits),
      amount(s.usage.sqsRequests),
      amount(s.appSync.operations),
      s.basis,
    ]),
    markdown,
  );
}

export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  markdown: boolean,
): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    markdown
      ? `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
      : r
          .map((c, i) =>
            i === 0 || i === r.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
          )
          .join('  ');
  const rule = markdown
    ? `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`
    : widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), rule, ...rows.map(line)].join('\n');
}
