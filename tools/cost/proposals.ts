import type { OperationCalls } from '../bench/calls.ts';
import type { Assumptions } from './assumptions.ts';
import { costOf } from './model.ts';
import type { Prices } from './prices.ts';
import { buildScenarios, type DirectAcks, type IdleHeartbeat } from './scenarios.ts';
import { dollars, table } from './tables.ts';

/**
 * The changes proposed to reach issue 13's targets that the project cannot ship by itself, priced
 * from the same measured operations as the cost table, so that their figures move with every new
 * measurement instead of being worked out by hand. Each one is applied to the measured
 * operations (a reply that would not be sent, a write that would not be made) and the scenarios
 * are built again from them.
 *
 * `protocol` changes need PROTOCOL.md to change (a frame's answer), which the project proposes
 * and does not ship (docs/cost.md, "What would reach the targets"); `server` ones change no frame
 * but give something up that needs deciding.
 */
export interface Proposal {
  readonly name: string;
  readonly kind: 'protocol' | 'server';
  /** What would change, in a sentence. */
  readonly change: string;
  /** The measured operations as they would be with the change. */
  readonly apply: (operations: readonly OperationCalls[]) => OperationCalls[];
}

/** The rows the targets are set for, by scenario name. */
export const targets = { connection: 0.7e-6, direct: 5e-6, 'room of 10': 1.2e-6 } as const;
type Target = keyof typeof targets;
const targetRows = Object.keys(targets) as Target[];

/**
 * `operations` with the ones whose name starts with `prefix` changed by `change`. A prefix that
 * matches nothing (an operation the bench renamed) is an error, not a row equal to today's.
 */
function changing(
  operations: readonly OperationCalls[],
  prefix: string,
  change: (op: OperationCalls) => OperationCalls,
): OperationCalls[] {
  if (!operations.some((op) => op.operation.startsWith(prefix)))
    throw new Error(`no measured operation "${prefix}…" to change: run npm run bench -- calls`);
  return operations.map((op) => (op.operation.startsWith(prefix) ? change(op) : op));
}

/** One frame fewer to the client: a reply that is not sent. */
const withoutReply = (op: OperationCalls): OperationCalls => ({
  ...op,
  messages: { ...op.messages, toClients: Math.max(0, op.messages.toClients - 1) },
});

export const proposals: readonly Proposal[] = [
  {
    name: 'one-way keep-alive',
    kind: 'protocol',
    change:
      'a `ping` the SDK sends to keep the connection open is not answered (one billed message, not two)',
    apply: (ops) => changing(ops, 'ping (heartbeat', withoutReply),
  },
  {
    name: 'send answered on error only',
    kind: 'protocol',
    change:
      'a `send` that asks for it gets an answer only when it fails (with its `ref`); the SDK learns the `messageId` another way or not at all',
    apply: (ops) => changing(ops, 'send a direct message', withoutReply),
  },
  {
    name: 'publish confirmed by its echo',
    kind: 'protocol',
    change:
      "a `publish` that asks for it gets no reply: the publisher's own copy of the message, carrying the client's `id`, confirms it",
    apply: (ops) => changing(ops, 'publish to a room of', withoutReply),
  },
  {
    name: 'idempotency claim and completion in one write',
    kind: 'server',
    change:
      "`send` writes its idempotency key once, not twice; an acknowledged inbox entry must then stay as a tombstone for the key's 24 hours, or a retry that took the key over would store the message again",
    apply: (ops) =>
      changing(ops, 'send a direct message', (op) => ({
        ...op,
        dynamodb: { ...op.dynamodb, writes: op.dynamodb.writes - 1, writeUnits: op.dynamodb.writeUnits - 1 },
      })),
  },
];

/** One line of the table: the three target rows' cost per unit, with a change or without. */
export interface ProposalRow {
  readonly name: string;
  readonly kind?: Proposal['kind'];
  readonly cost: Readonly<Record<Target, number>>;
}

export interface ProposalInputs {
  readonly assumptions: Assumptions;
  readonly prices: Prices;
  readonly heartbeat?: IdleHeartbeat;
  readonly acks?: DirectAcks;
}

/** Today's figures, each proposal's alone, and all of them together. */
export function priceProposals(operations: readonly OperationCalls[], inputs: ProposalInputs): ProposalRow[] {
  const costs = (ops: readonly OperationCalls[]): Record<Target, number> => {
    const scenarios = buildScenarios(ops, inputs.assumptions, inputs.prices, inputs.heartbeat, inputs.acks);
    return Object.fromEntries(
      targetRows.map((name) => {
        const scenario = scenarios.find((s) => s.name === name);
        if (!scenario) throw new Error(`no ${name} row in the cost table`);
        return [name, costOf(scenario.usage, inputs.prices).total];
      }),
    ) as Record<Target, number>;
  };
  const all = proposals.reduce<OperationCalls[]>((ops, p) => p.apply(ops), [...operations]);
  const protocolOnly = proposals
    .filter((p) => p.kind === 'protocol')
    .reduce<OperationCalls[]>((ops, p) => p.apply(ops), [...operations]);
  return [
    { name: 'today', cost: costs(operations) },
    ...proposals.map((p) => ({ name: p.name, kind: p.kind, cost: costs(p.apply(operations)) })),
    { name: 'the protocol changes together', cost: costs(protocolOnly) },
    { name: 'all together', cost: costs(all) },
  ];
}

/** The table `npm run cost -- proposals` prints, and what each change is. */
export function proposalsReport(rows: readonly ProposalRow[], markdown: boolean): string {
  const mark = (name: Target, cost: number) =>
    `${dollars(cost)}${cost <= targets[name] + 1e-12 ? ' (met)' : ''}`;
  const body = table(
    ['per million', 'kind', ...targetRows],
    [
      ['target (issue 13)', '', ...targetRows.map((name) => dollars(targets[name]))],
      ...rows.map((row) => [
        row.name,
        row.kind ?? '',
        ...targetRows.map((name) => mark(name, row.cost[name])),
      ]),
    ],
    markdown,
  );
  const changes = proposals.map((p) => `- ${p.name} (${p.kind}): ${p.change}`).join('\n');
  return `${body}\n\n${changes}\n`;
}
