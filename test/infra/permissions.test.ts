import { readFileSync, writeFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/core/store/keys.ts';
import { type FunctionName, type FunctionSpec, functions, readItemActions } from '../../lib/manifest.ts';
import { MessagingStack } from '../../lib/messaging-stack.ts';
import { type ReachableCalls, reachableCallsOf } from '../helpers/reachable-calls.ts';
import {
  actionsOf,
  type FoundFunction,
  functionsByName,
  type Json,
  render,
  statementsOf,
  TEST_STAGE,
} from '../helpers/synth.ts';

/**
 * Every function's permissions, read from the synthesized template, against a committed listing
 * (`permissions.expected.json`): a grant that changes is a visible change in review. After a
 * deliberate change, rewrite the listing with `UPDATE_PERMISSIONS=1 npx vitest run
 * test/infra/permissions.test.ts` and commit it with the change.
 */
const EXPECTED = new URL('./permissions.expected.json', import.meta.url);
const names = Object.keys(functions).sort() as FunctionName[];
const specOf = (name: FunctionName): FunctionSpec => functions[name];

/** What the rate limits (ws-route.ts, http-route.ts) do, granted as their own statement. */
const RATE_LIMITS_FILE = 'lambdas/core/store/rate-limits.ts';

/** Functions that change nothing but their rate-limit counters. */
const READ_ONLY: readonly FunctionName[] = [
  'checkInbox',
  'default',
  'retryEvents',
  'health',
  'history',
  'who',
  'getModeration',
  'getRoom',
  'listMembers',
  'listRoomOnline',
  'listRoomMessages',
  'getUnread',
  'listOnline',
  'listBlocks',
  'getFile',
];

let template: Template;
let stack: MessagingStack;
let byName: Map<string, FoundFunction>;
let reached: Map<string, ReachableCalls>;

beforeAll(() => {
  const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  stack = new MessagingStack(app, `Wavelet-${TEST_STAGE}`, { stage: TEST_STAGE });
  template = Template.fromStack(stack);
  byName = functionsByName(template);
  reached = reachableCallsOf(
    names.map((n) => functions[n].entry),
    { opaqueFiles: [RATE_LIMITS_FILE] },
  );
}, 120_000);

/** One line per statement: `actions on resources [if condition]`, sorted. */
function listing(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const name of names) {
    result[name] = statementsOf(template, byName.get(name)!)
      .map((s) => {
        const condition = s.Condition ? ` if ${conditionText(s.Condition)}` : '';
        const resources = [s.Resource].flat().map(render).sort().join(', ');
        return `${s.Effect === 'Allow' ? '' : `${s.Effect} `}${actionsOf(s).sort().join(', ')} on ${resources}${condition}`;
      })
      .sort();
  }
  return result;
}

function conditionText(condition: Record<string, Record<string, Json>>): string {
  return Object.entries(condition)
    .flatMap(([operator, entries]) =>
      Object.entries(entries).map(
        ([key, value]) => `${key} ${operator} ${[value].flat().map(render).join(' | ')}`,
      ),
    )
    .join(' and ');
}

const statementsFor = (name: FunctionName) => statementsOf(template, byName.get(name)!);
const tableArn = () => `\${${Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]}.Arn}`;
const dynamoStatements = (name: FunctionName) =>
  statementsFor(name).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('Permissions: the listing', () => {
  it('grants every function exactly the permissions of permissions.expected.json', () => {
    const actual = listing();
    if (process.env.UPDATE_PERMISSIONS === '1') {
      writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8'));
    // One assertion per function, so the diff names the function whose grants changed.
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const name of names)
      expect(actual[name], `${name} (UPDATE_PERMISSIONS=1 rewrites the listing)`).toEqual(expected[name]);
  });
});

describe('Permissions: intent', () => {
  it('lets no function use a wildcard action or the managed basic execution role', () => {
    for (const name of names) {
      for (const action of statementsFor(name).flatMap(actionsOf)) {
        expect(action, name).not.toMatch(/\*/);
      }
    }
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns, JSON.stringify(role.Properties.Description)).toBeUndefined();
    }
  });

  it('lets each function write logs to its own log group only', () => {
    for (const name of names) {
      const fn = byName.get(name)!;
      const logs = statementsFor(name).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(
        logs.map((s) => [actionsOf(s).sort(), render(s.Resource)]),
        name,
      ).toEqual([
        [
          ['logs:CreateLogStream', 'logs:PutLogEvents'],
          `\${${fn.properties.LoggingConfig.LogGroup.Ref}.Arn}`,
        ],
      ]);
    }
  });

  it('lets /health read one table key and the queues’ attributes, and send to no queue nor scan', () => {
    const actions = statementsFor('health').flatMap(actionsOf);
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:GetQueueAttributes']);
    expect(dynamoStatements('health').map((s) => [actionsOf(s), s.Condition])).toEqual([
      [['dynamodb:GetItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEALTH'] } }],
    ]);
  });

  it('lets the authorizer only delete ticket items, under a LeadingKeys condition, and never scan', () => {
    const statements = dynamoStatements('authorizer');
    expect(statements.flatMap(actionsOf)).toEqual(['dynamodb:DeleteItem']);
    for (const s of statements) {
      expect(render(s.Resource)).toBe(tableArn());
      expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TICKET#*'] } });
    }
  });

  it('lets no function scan the table or an index (the broadcast and GET /online query the SEEN# shards)', () => {
    for (const name of names) {
      const scans = dynamoStatements(name).filter((s) => actionsOf(s).includes('dynamodb:Scan'));
      expect(scans, name).toEqual([]);
    }
  });

  it('limits every statement on the table’s items with a LeadingKeys condition', () => {
    for (const name of names) {
      for (const s of dynamoStatements(name)) {
        if ([s.Resource].flat().some((r) => render(r).includes('/index/'))) continue;
        expect(Object.keys(s.Condition?.['ForAllValues:StringLike'] ?? {}), name).toEqual([
          'dynamodb:LeadingKeys',
        ]);
      }
    }
  });

  it('lets read-only functions write nothing but their rate-limit counters', () => {
    for (const name of READ_ONLY) {
      for (const s of dynamoStatements(name)) {
        const writes = actionsOf(s).filter((a) => WRITES.includes(a));
        if (writes.length === 0) continue;
        expect([writes, s.Condition], name).toEqual([
          ['dynamodb:UpdateItem'],
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
        ]);
      }
    }
  });
});

/** The DynamoDB action of each document-client command. */
const ACTION_OF: Record<string, string> = {
  Get: 'GetItem',
  BatchGet: 'BatchGetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};
/** Builders of index keys, or of parts of a key: they name no table partition. */
const NOT_PARTITIONS = new Set([
  'membershipByUser',
  'userRooms',
  'livePresenceRoom',
  'memberSortPrefix',
  'blockSortPrefix',
]);

/** The partition key pattern (`CONN#*`) of a key builder, by calling it. */
function patternOf(builder: string): string {
  const make = (keys as unknown as Record<string, unknown>)[builder];
  // Every builder takes ids (and `roomMessages` an epoch); `idempotency` takes a scope first,
  // `reaction` a room, an epoch, a seq, a reaction and a user.
  const args =
    builder === 'idempotency'
      ? [{ user: 'x', kind: 'send' }, 'y']
      : builder === 'reaction'
        ? ['x', 1, 1, 'y', 'z']
        : ['x', 'y', 1];
  const built = typeof make === 'function' ? make(...args) : make;
  const pk = typeof built === 'string' ? built : (built as { pk: string }).pk;
  return `${pk.slice(0, pk.indexOf('#'))}#*`;
}

describe('Permissions: the manifest follows the code', () => {
  it('grants each function the table actions and partitions its code reaches, and no other', () => {
    for (const name of names) {
      const spec = specOf(name);
      const calls = reached.get(spec.entry)!;
      const grants = spec.items ?? [];
      const rateLimited = calls.reachedOpaque.includes(RATE_LIMITS_FILE);
      const isRateGrant = (g: (typeof grants)[number]) =>
        g.keys.length === 1 && g.keys[0] === 'RATE#*' && g.actions.join() === 'UpdateItem';
      expect(grants.some(isRateGrant), `${name} has the rate-limit grant`).toBe(rateLimited);

      const main = grants.filter((g) => !isRateGrant(g));
      const itemActions = calls.commands
        .map((c) => ACTION_OF[c])
        .filter((a): a is string => a !== undefined && a !== 'Query' && a !== 'Scan');
      if (calls.queries.includes('table')) itemActions.push('Query');
      expect(new Set(main.flatMap((g) => g.actions)), `${name}: item actions`).toEqual(new Set(itemActions));
      const partitions = calls.keyBuilders.filter((b) => !NOT_PARTITIONS.has(b)).map(patternOf);
      const granted = main.flatMap((g) => g.keys).filter((k) => k !== 'HEALTH');
      expect(new Set(granted), `${name}: partitions`).toEqual(new Set(partitions));

      const indexes: Record<string, Set<string>> = {};
      const add = (index: string, action: string) => {
        indexes[index] = new Set([...(indexes[index] ?? []), action]);
      };
      for (const q of calls.queries.filter((q) => q !== 'table')) {
        for (const index of q.split('|')) add(index, 'Query');
      }
      if (calls.commands.includes('Scan')) {
        for (const index of calls.indexes.flatMap((i) => i.split('|'))) add(index, 'Scan');
      }
      const grantedIndexes = Object.fromEntries(
        Object.entries(spec.indexes ?? {}).map(([index, actions]) => [index, new Set(actions)]),
      );
      expect(grantedIndexes, `${name}: indexes`).toEqual(indexes);
      expect(Object.keys(indexes), `${name}: every IndexName is a constant`).not.toContain('?');
    }
  });

  it('binds each function to the queues, management API, secret, bucket and publish hook its code reaches, and no other', () => {
    for (const name of names) {
      const spec = specOf(name);
      const calls = reached.get(spec.entry)!;
      const expected = new Set<string>();
      if (calls.commands.includes('SendMessageBatch') && calls.variables.includes('DELIVERIES_QUEUE_URL'))
        expected.add('queue:deliveries');
      if (calls.commands.includes('SendMessageBatch') && calls.variables.includes('NOTIFICATIONS_QUEUE_URL'))
        expected.add('queue:notifications');
      if (calls.commands.includes('GetQueueAttributes')) {
        for (const queue of ['deliveries', 'notifications']) {
          if (calls.variables.includes(`${queue.toUpperCase()}_QUEUE_URL`))
            expected.add(`queue:${queue}:attributes`);
        }
      }
      if (
        calls.clients.includes('posts') ||
        calls.commands.includes('GetConnection') ||
        calls.commands.includes('DeleteConnection')
      )
        expected.add('management');
      if (calls.commands.includes('GetSecretValue')) expected.add('jwt');
      if (calls.commands.includes('PutEvents')) expected.add('events');
      if (calls.commands.includes('SendMessageBatch') && calls.variables.includes('EVENT_RETRIES_QUEUE_URL'))
        expected.add('queue:eventRetries');
      if (calls.commands.includes('SendMessageBatch') && calls.variables.includes('INBOX_CHECKS_QUEUE_URL'))
        expected.add('queue:inboxChecks');
      // The files bucket: signing a PUT, attaching (HeadObject and CopyObject), signing a GET, deleting.
      if (calls.commands.includes('PutObject')) expected.add('bucket:upload');
      if (calls.commands.includes('CopyObject')) expected.add('bucket:attach');
      if (calls.commands.includes('GetObject')) expected.add('bucket:read');
      if (calls.commands.includes('DeleteObject')) expected.add('bucket:delete');
      // The publish hook (content-screen.ts): bound, and granted, only where a stack names one.
      if (calls.commands.includes('Invoke')) expected.add('publishHook');
      expect(new Set(spec.uses), name).toEqual(expected);
    }
  });

  it('marks as read-only exactly the functions whose code writes nothing but rate-limit counters', () => {
    const readOnly = names.filter((name) => {
      const spec = specOf(name);
      return (spec.items ?? []).every(
        (g) => g.actions.every((a) => readItemActions.includes(a)) || g.keys.join() === 'RATE#*',
      );
    });
    expect(readOnly.sort()).toEqual([...READ_ONLY].sort());
  });
});

describe('Permissions: cdk-nag', () => {
  it('leaves no AwsSolutions IAM4 or IAM5 finding unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const iam = report.violations
      .filter((v) => /^AwsSolutions-IAM[45]/.test(v.ruleName))
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(iam).toEqual([]);
    // The @connections/* wildcard is there, acknowledged by its finding id on each role that has it.
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object))
      .filter((id) => id.includes('@connections/*'));
    const managers = names.filter((n) => specOf(n).uses.includes('management'));
    expect(acknowledged).toHaveLength(managers.length);
  });
});
