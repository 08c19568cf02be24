import type { LoadTestReport, Percentiles } from './report.ts';

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const tally = (t: Record<string, number>) =>
  Object.keys(t).length === 0
    ? 'none'
    : Object.entries(t)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');

function row(label: string, p: Percentiles): string {
  const cells = p.count === 0 ? ['-', '-', '-', '-', '-'] : [p.p50, p.p90, p.p99, p.p999, p.max].map(fmt);
  return `${label.padEnd(24)}${String(p.count).padStart(9)}${cells.map((c) => c.padStart(9)).join('')}`;
}

/** The human summary printed at the end of a run: a latency table, then the accounting. */
export function formatSummary(r: LoadTestReport): string {
  const o = r.options as { connections: number; rate: number; size: number; durationMs: number };
  const c = r.connections;
  const d = r.deliveries;
  const target = r.latencyTarget
    ? `, latency p99 ${r.latencyTarget.measuredP99Ms} ms within ${r.latencyTarget.p99Ms} ms`
    : '';
  const lines = [
    '',
    `wavelet load test: ${r.scenario} against ${r.url}`,
    `  ${o.connections} connections, ${o.durationMs / 1000} s at ${o.rate} msg/s, ${o.size} B of data` +
      `; machine ${r.machine.cpus} cores, load average ${r.machine.loadAverageStart.join(' ')} -> ${r.machine.loadAverageEnd.join(' ')}`,
    '',
    `${'ms'.padEnd(24)}${['count', 'p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}`,
    row(r.scenario === 'echo' ? 'latency (ping round trip)' : 'latency (end to end)', r.latencyMs),
    row('connection handshake', c.handshakeMs),
    row(r.scenario === 'room' ? 'ready (sync + join)' : 'ready (sync)', c.readyMs),
    row('heartbeat round trip', r.heartbeatMs),
    '',
    `connections  opened ${c.opened}/${c.planned}, failed ${c.failed}, open at end ${c.openAtEnd}, closed early ${c.closedEarly}`,
    `messages     sent ${r.throughput.sent} (${r.throughput.sentPerSecond}/s over ${r.throughput.sendWindowSeconds} s), rejected ${r.throughput.rejected}`,
    `deliveries   expected ${d.expected}, delivered ${d.delivered} (${r.throughput.deliveredPerSecond}/s), lost ${d.lost}, duplicated ${d.duplicated}, unexpected ${d.unexpected}`,
  ];
  if (r.seq) {
    lines.push(
      `by seq       ${r.seq.rooms} rooms, ${r.seq.messages} messages, expected ${r.seq.expected}, lost ${r.seq.lost}, duplicated ${r.seq.duplicated}, gaps seen ${r.seq.gaps}`,
    );
  }
  lines.push(
    `errors       ${tally(r.errors.byCode)}${r.errors.rateLimited ? ` (RATE_LIMITED ${r.errors.rateLimited})` : ''}`,
    `close codes  ${tally(r.errors.closeCodes)}; handshake failures ${tally(r.errors.handshake)}`,
    `generator    ${r.generator.processes
      .map(
        (g) =>
          `#${g.worker}: lag p99 ${g.lagP99Ms} ms (max ${g.lagMaxMs}), CPU ${g.cpuPercent}%, RSS ${g.rssMb} MB`,
      )
      .join('; ')}`,
    `result       ${r.ok ? `OK: nothing lost or duplicated, no errors, every connection held${target}` : `NOT OK: ${r.failures.join('; ')}`}`,
  );
  for (const w of r.warnings) lines.push(`warning      ${w}`);
  return `${lines.join('\n')}\n`;
}
