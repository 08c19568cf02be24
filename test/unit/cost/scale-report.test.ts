import { describe, expect, it } from 'vitest';
import { assumptions } from '../../../tools/cost/assumptions.ts';
import { noUsage } from '../../../tools/cost/model.ts';
import { prices } from '../../../tools/cost/prices.ts';
import { type Load, planScale } from '../../../tools/cost/scale.ts';
import { scaleReport } from '../../../tools/cost/scale-report.ts';

const scenarios = [
  { name: 'connection', usage: { ...noUsage, connectionMinutes: 1, apiGatewayRequests: 2 } },
  { name: 'direct', usage: { ...noUsage, wsMessages: 5, apiGatewayRequests: 3, writeUnits: 8 } },
].map((s) => ({ ...s, unit: 'unit', appSync: { operations: 0, connectionMinutes: 0 }, basis: '' }));

const load: Load = {
  users: 2_000_000,
  connections: 300_000,
  deliveriesPerSecond: 50_000,
  mix: [{ scenario: 'direct', share: 1, recipients: 1 }],
};

describe('Function: scaleReport', () => {
  const plan = planScale(load, scenarios, assumptions, prices);
  const text = scaleReport(plan, { measuredAt: '2026-12-02', assumptions, prices }, true);
  const row = (quota: string) => text.split('\n').find((line) => line.startsWith(`| ${quota}`)) ?? '';

  it('states the load, the mix and the dates it was priced with', () => {
    expect(text).toContain('2,000,000 users, 300,000 connections, 50,000 deliveries a second');
    expect(text).toContain('100% direct (1 a send)');
    expect(text).toContain(`list prices checked ${prices.checked}; call counts measured 2026-12-02`);
  });

  it('names the cells and the binding quota, and a raise only where the raised cells need one', () => {
    // requests: 10,000 pings + 150,000 direct + 167 connects: 17 cells, 2 raised; writes 400,000: 10 and 1
    expect(text).toContain('17 at default quotas (bound by API Gateway requests per second)');
    expect(text).toContain('2 with every quota raised 10x');
    expect(row('API Gateway requests per second')).toMatch(/\| 80,084 +\| 80,084 +\|/);
    expect(row('DynamoDB on-demand table writes')).toMatch(/\| 200,000 +\| 200,000 +\|/);
    expect(row('WebSocket new connections per second')).toMatch(/\| 84 +\| - +\|/);
  });

  it('prints the sources of the quotas as Markdown table rows', () => {
    expect(row('Lambda concurrent executions')).toContain(
      'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    );
    expect(text).toMatch(/^\| one cell, default quotas +\| connections/m);
  });
});
