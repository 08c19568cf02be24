import type { Assumptions } from './assumptions.ts';
import type { Prices } from './prices.ts';
import { type QuotaName, quotas, raiseFactor } from './quotas.ts';
import { type Load, type ScalePlan, sendsPerSecond } from './scale.ts';
import { table } from './tables.ts';

const count = (n: number) => Math.ceil(n).toLocaleString('en-US');
const money = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
const limit = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'none');

/** The quota table: demand, default, cells at default, and what each of the raised cells needs. */
export function quotaTable(plan: ScalePlan, markdown: boolean): string {
  return table(
    [
      'quota',
      'seed needs',
      'default',
      'cells at default',
      `per cell of ${plan.atRaised.cells}`,
      'raise to',
      'source',
    ],
    (Object.keys(quotas) as QuotaName[]).map((name) => {
      const q = quotas[name];
      const need = plan.perRaisedCell[name];
      return [
        `${q.name} (${q.scope})`,
        count(plan.demand[name]),
        limit(q.default),
        Number.isFinite(q.default) ? count(plan.demand[name] / q.default) : '-',
        count(need),
        need > q.default ? count(need) : '-',
        q.source,
      ];
    }),
    markdown,
  );
}

/** The monthly bill by service, and per million deliveries. */
export function billTable(plan: ScalePlan, markdown: boolean): string {
  const m = plan.monthly;
  return table(
    ['per month', 'API Gateway', 'Lambda', 'DynamoDB', 'SQS', 'total', 'per million delivered'],
    [
      [
        'seed load',
        money(m.apiGateway),
        money(m.lambda),
        money(m.dynamoDb),
        money(m.sqs),
        money(m.total),
        `$${plan.perMillionDeliveries.toFixed(2)}`,
      ],
    ],
    markdown,
  );
}

/** What one cell carries with every quota at its default. */
export function cellTable(plan: ScalePlan, markdown: boolean): string {
  const idle = plan.idleCell;
  const mix = plan.mixCell;
  return table(
    ['one cell, default quotas', 'connections', 'messages/s', 'deliveries/s', 'binding quota'],
    [
      ['connections only', idle.connections.toLocaleString('en-US'), '0', '0', quotas[idle.binding].name],
      [
        'the seed mix',
        mix.connections.toLocaleString('en-US'),
        mix.sendsPerSecond.toLocaleString('en-US'),
        mix.deliveriesPerSecond.toLocaleString('en-US'),
        quotas[mix.binding].name,
      ],
    ],
    markdown,
  );
}

function mixLine(load: Load): string {
  return load.mix
    .map(
      (m) => `${Math.round(m.share * 100)}% ${m.scenario} (${m.recipients.toLocaleString('en-US')} a send)`,
    )
    .join(', ');
}

/** `npm run cost -- scale`: every table with the load, the assumptions and the dates. */
export function scaleReport(
  plan: ScalePlan,
  context: { readonly measuredAt: string; readonly assumptions: Assumptions; readonly prices: Prices },
  markdown: boolean,
): string {
  const { load } = plan;
  const { assumptions, prices } = context;
  return [
    `Capacity at the seed's scale: ${load.users.toLocaleString('en-US')} users, ${load.connections.toLocaleString('en-US')} connections, ` +
      `${load.deliveriesPerSecond.toLocaleString('en-US')} deliveries a second (${count(sendsPerSecond(load))} messages sent a second)`,
    `mix of deliveries: ${mixLine(load)}`,
    `${prices.region} list prices checked ${prices.checked}; call counts measured ${context.measuredAt}; quotas read 2026-12-02 (tools/cost/quotas.ts)`,
    '',
    `cells (one stack with its own WebSocket API, table and queues, each in its own account and region): ` +
      `${plan.atDefault.cells} at default quotas (bound by ${quotas[plan.atDefault.binding].name}), ` +
      `${plan.atRaised.cells} with every quota raised ${raiseFactor}x (bound by ${quotas[plan.atRaised.binding].name})`,
    '',
    quotaTable(plan, markdown),
    '',
    billTable(plan, markdown),
    '',
    cellTable(plan, markdown),
    '',
    `assumptions: the cost table's per-unit usage (npm run cost) times the load; sessions of ${assumptions.sessionMinutes} minutes ` +
      `(at most 2 hours, API Gateway's limit; one $connect each, counted as a request); concurrency = GB-s per second / ${assumptions.memoryMb} MB; ` +
      `a request is a client frame or an @connections call (replies are not); first-tier prices (API Gateway charges $0.80 ` +
      `per million messages past a billion a month per account, so its message charge here is high by up to a fifth); ` +
      `a raise is ${raiseFactor}x the default (AWS publishes no ceiling); users offline cost only storage, not priced; ` +
      `a cell's Lambda functions each scale by at most 1,000 environments every 10 s, so ramp traffic over minutes`,
    '',
  ].join('\n');
}
