import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi, WebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AlarmTopic } from '../../lib/constructs/alarm-topic.ts';
import { OperationsAlarms, type OperationsAlarmsTuning } from '../../lib/constructs/alarms.ts';
import { functionGroups } from '../../lib/constructs/function-groups.ts';
import { type FunctionName, functions, queues, table } from '../../lib/manifest.ts';
import {
  type FoundFunction,
  functionsByName,
  type Json,
  onlyLogicalId,
  render,
  synthDefaultStack,
  synthStack,
  TEST_STAGE,
} from '../helpers/synth.ts';

/** One metric an alarm reads, with its dimensions rendered as text. */
interface ReadMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat?: string;
}

/** Every metric an alarm reads: the alarm's own, or each of its metric math inputs. */
function metricsOf(alarm: Json): ReadMetric[] {
  const dims = (list: { Name: string; Value: Json }[] = []) =>
    Object.fromEntries(list.map((d) => [d.Name, render(d.Value)]));
  const p = alarm.Properties;
  if (p.MetricName) {
    return [
      {
        namespace: p.Namespace,
        name: p.MetricName,
        dimensions: dims(p.Dimensions),
        stat: p.ExtendedStatistic ?? p.Statistic,
      },
    ];
  }
  return (p.Metrics as Json[])
    .filter((m) => m.MetricStat)
    .map((m) => ({
      namespace: m.MetricStat.Metric.Namespace,
      name: m.MetricStat.Metric.MetricName,
      dimensions: dims(m.MetricStat.Metric.Dimensions),
      stat: m.MetricStat.Stat,
    }));
}

const queueNames = Object.keys(queues) as (keyof typeof queues)[];

let template: Template;
let alarms: Json[];
let byName: Map<string, FoundFunction>;
let topicId: string;

beforeAll(() => {
  template = synthDefaultStack();
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  byName = functionsByName(template);
  // The topic has no properties at all, so it is found by type alone.
  [topicId] = Object.keys(template.findResources('AWS::SNS::Topic')) as [string];
}, 120_000);

/** The alarms reading a metric, and the metrics they read. */
const alarmsOn = (namespace: string, name: string) =>
  alarms.filter((a) => metricsOf(a).some((m) => m.namespace === namespace && m.name === name));

describe('Construct: AlarmTopic', () => {
  it('creates one topic without subscriptions by default', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('denies every publish that does not use TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("lets this account's alarms publish, and nothing else (a topic policy replaces SNS's default one)", () => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const allows = policy?.Properties.PolicyDocument.Statement.filter(
      (s: { Effect: string }) => s.Effect === 'Allow',
    );
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 'sns:Publish',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(allows[0].Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
  });

  it('subscribes the e-mail address and the webhook it is given', () => {
    const stack = new Stack(new App(), 'Test');
    new AlarmTopic(stack, 'AlarmTopic', {
      email: 'oncall@example.com',
      webhookUrl: 'https://hooks.example.com/alarms?team=chat',
    });
    const topic = Template.fromStack(stack);
    topic.resourceCountIs('AWS::SNS::Subscription', 2);
    topic.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    topic.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/alarms?team=chat',
    });
  });

  it.each([
    [{ email: 'oncall' }, /alarmEmail 'oncall' is not an e-mail address/],
    [{ email: 'on call@example.com' }, /alarmEmail/],
    [{ webhookUrl: 'http://hooks.example.com/alarms' }, /alarmWebhookUrl .* must use https/],
    [{ webhookUrl: 'hooks.example.com' }, /alarmWebhookUrl 'hooks.example.com' is not a URL/],
  ])('refuses %o with a clear message and creates nothing', (props, message) => {
    const stack = new Stack(new App(), 'Test');
    expect(() => new AlarmTopic(stack, 'AlarmTopic', props)).toThrow(message);
    expect(stack.node.findAll().filter((c) => c.node.id === 'Topic')).toEqual([]);
  });

  it.each([
    ['alarmEmail', 'not-an-address', /alarmEmail/],
    ['alarmWebhookUrl', 'http://hooks.example.com', /alarmWebhookUrl/],
  ])('fails `cdk synth -c %s=%s`, read by bin/app.ts', async (key, value, message) => {
    vi.resetModules();
    vi.stubEnv('CDK_CONTEXT_JSON', JSON.stringify({ [key]: value, 'aws:cdk:bundling-stacks': [] }));
    try {
      await expect(import('../../bin/app.ts')).rejects.toThrow(message);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('Construct: OperationsAlarms', () => {
  it('notifies the topic from every alarm, when it fires and when it is OK again', () => {
    expect(alarms.length).toBeGreaterThan(20);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
      TreatMissingData: 'notBreaching',
    });
  });

  it('describes every alarm and links a section of docs/operations.md that exists', () => {
    const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const slug = (h: string) =>
      h
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-');
    const anchors = new Set([...operations.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!.trim())));
    for (const alarm of alarms) {
      const anchor = /docs\/operations\.md#([\w-]+)$/.exec(alarm.Properties.AlarmDescription)?.[1];
      expect(anchor && anchors.has(anchor), alarm.Properties.AlarmDescription).toBe(true);
    }
  });

  it('reads at most 10 metrics in any alarm, the CloudWatch limit', () => {
    for (const alarm of alarms) expect(metricsOf(alarm).length).toBeLessThanOrEqual(10);
  });

  it.each(['Errors', 'Throttles'])('alarms on Lambda %s of every function, group by group', (metric) => {
    const watched = alarmsOn('AWS/Lambda', metric).map((a) =>
      metricsOf(a).map((m) => m.dimensions.FunctionName ?? ''),
    );
    const expected = Object.values(functionGroups())
      .flat()
      .map((name) => `\${${byName.get(name)?.logicalId}}`);
    expect(watched.flat().sort()).toEqual(expected.sort());
    // A group never shares an alarm with another group.
    const groupOf = new Map<string, string>(
      Object.entries(functionGroups()).flatMap(([group, names]) =>
        names.map((n) => [`\${${byName.get(n)?.logicalId}}`, group] as const),
      ),
    );
    for (const ids of watched) expect(new Set(ids.map((id) => groupOf.get(id))).size).toBe(1);
  });

  it('alarms when the p99 duration of a queue consumer or the sweeper nears its timeout', () => {
    const { queueConsumers, sweeper } = functionGroups();
    for (const name of [...queueConsumers, ...sweeper]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: byName.get(name)?.logicalId } }],
        Threshold: 0.8 * (functions[name].timeoutSeconds ?? 10) * 1000,
      });
    }
    expect(alarmsOn('AWS/Lambda', 'Duration')).toHaveLength(queueConsumers.length + sweeper.length);
  });

  it('alarms on WebSocket integration and execution errors, HTTP 5xx, and both latencies', () => {
    const wsApi = `\${${onlyLogicalId(template, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' })}}`;
    const httpApi = `\${${onlyLogicalId(template, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' })}}`;
    const wsDimensions = { ApiId: wsApi, Stage: TEST_STAGE };
    const [wsErrors] = alarmsOn('AWS/ApiGateway', 'IntegrationError');
    expect(metricsOf(wsErrors).map((m) => [m.name, m.dimensions])).toEqual([
      ['IntegrationError', wsDimensions],
      ['ExecutionError', wsDimensions],
    ]);
    expect(alarmsOn('AWS/ApiGateway', '5xx').flatMap(metricsOf)).toEqual([
      { namespace: 'AWS/ApiGateway', name: '5xx', dimensions: { ApiId: httpApi }, stat: 'Sum' },
    ]);
    const latencies = alarmsOn('AWS/ApiGateway', 'IntegrationLatency').flatMap(metricsOf);
    expect(latencies.map((m) => [m.dimensions, m.stat])).toEqual(
      expect.arrayContaining([
        [wsDimensions, 'p99'],
        [{ ApiId: httpApi }, 'p99'],
      ]),
    );
  });

  it('alarms on the age of the oldest message of each work queue, and at one dead-lettered message', () => {
    const queueResources = template.findResources('AWS::SQS::Queue');
    const work = Object.keys(queueResources).filter((id) => queueResources[id]?.Properties.RedrivePolicy);
    const dead = Object.keys(queueResources).filter((id) => !queueResources[id]?.Properties.RedrivePolicy);
    const queuesOf = (metric: string) =>
      alarmsOn('AWS/SQS', metric).flatMap((a) => metricsOf(a).map((m) => m.dimensions.QueueName));
    expect(queuesOf('ApproximateAgeOfOldestMessage').sort()).toEqual(
      work.map((id) => `\${${id}.QueueName}`).sort(),
    );
    expect(queuesOf('ApproximateNumberOfMessagesVisible').sort()).toEqual(
      dead.map((id) => `\${${id}.QueueName}`).sort(),
    );
    for (const id of dead) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
      });
    }
  });

  it('alarms on throttled requests and read and write throttle events of the table and its indexes', () => {
    const tableName = `\${${onlyLogicalId(template, 'AWS::DynamoDB::Table')}}`;
    const throttled = alarmsOn('AWS/DynamoDB', 'ThrottledRequests').flatMap(metricsOf);
    expect(throttled.map((m) => m.dimensions.Operation)).toEqual(
      expect.arrayContaining(['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'Scan']),
    );
    const events = alarmsOn('AWS/DynamoDB', 'ReadThrottleEvents').flatMap(metricsOf);
    expect(events.every((m) => m.dimensions.TableName === tableName)).toBe(true);
    expect(events.map((m) => `${m.name} ${m.dimensions.GlobalSecondaryIndexName ?? 'table'}`).sort()).toEqual(
      ['Read', 'Write']
        .flatMap((kind) => ['table', ...Object.keys(table.indexes)].map((i) => `${kind}ThrottleEvents ${i}`))
        .sort(),
    );
  });

  it('alarms on the app metrics that mean failure, with their service and stage dimensions', () => {
    const app = (name: string) => alarmsOn('Wavelet', name).flatMap(metricsOf);
    const common = { service: 'wavelet', stage: TEST_STAGE };
    expect(app('InternalErrors').map((m) => m.dimensions)).toEqual([common]);
    expect(app('DeadLettered').map((m) => m.dimensions)).toEqual(
      queueNames.map((queue) => ({ ...common, queue })),
    );
    expect(app('Deliveries').map((m) => m.dimensions)).toEqual([{ ...common, outcome: 'rejected' }]);
  });
});

describe('Stack: MessagingStack alarm and dashboard options', { timeout: 90_000 }, () => {
  it('uses the thresholds, periods and metrics namespace it is given', () => {
    const tuned = synthStack({
      alarms: { queueAge: { threshold: 120, period: Duration.minutes(2), evaluationPeriods: 3 } },
      handlers: { metricsNamespace: 'Chat' },
    });
    tuned.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 120,
      Period: 120,
      EvaluationPeriods: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 600,
      Period: 60,
      EvaluationPeriods: 5,
    });
    tuned.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Chat',
      MetricName: 'InternalErrors',
    });
    expect(JSON.stringify(tuned.findResources('AWS::CloudWatch::Dashboard'))).toContain(
      '{Chat,action,outcome',
    );
  });
});

describe('Construct: OperationsAlarms tuning', () => {
  /** The alarms over imported resources: nothing is built, so each case costs milliseconds. */
  function alarmsWith(tuning: OperationsAlarmsTuning): Stack {
    const stack = new Stack(new App(), 'Test');
    const imported = (name: string) => LambdaFunction.fromFunctionName(stack, `F-${name}`, name);
    const queue = (name: string) =>
      Queue.fromQueueArn(stack, name, `arn:aws:sqs:eu-west-1:123456789012:${name}`);
    new OperationsAlarms(stack, 'Alarms', {
      ...tuning,
      topic: new Topic(stack, 'Topic'),
      functions: Object.fromEntries(Object.keys(functions).map((n) => [n, imported(n)])) as Record<
        FunctionName,
        IFunction
      >,
      webSocketApi: WebSocketApi.fromWebSocketApiAttributes(stack, 'Ws', { webSocketId: 'ws123' }),
      webSocketStageName: 'dev',
      httpApi: HttpApi.fromHttpApiAttributes(stack, 'Http', { httpApiId: 'http123' }),
      table: TableV2.fromTableName(stack, 'Table', 'wavelet'),
      queues: {
        deliveries: queue('d'),
        notifications: queue('n'),
        eventRetries: queue('e'),
        inboxChecks: queue('i'),
      },
      deadLetterQueues: {
        deliveries: queue('d-dlq'),
        notifications: queue('n-dlq'),
        eventRetries: queue('e-dlq'),
        inboxChecks: queue('i-dlq'),
      },
      appMetrics: { namespace: 'Wavelet', service: 'wavelet', stage: 'dev' },
    });
    return stack;
  }

  it('changes the thresholds, periods and evaluation periods it is given, and no others', () => {
    const tuned = Template.fromStack(
      alarmsWith({ deadLetterDepth: { threshold: 3, period: Duration.minutes(5), evaluationPeriods: 2 } }),
    );
    tuned.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 3, Period: 300, EvaluationPeriods: 2 },
      queueNames.length,
    );
    tuned.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 600, Period: 60, EvaluationPeriods: 5 },
      queueNames.length,
    );
  });

  it.each([
    [{ queueAge: { threshold: -1 } }, /Alarm queueAge: threshold -1 must be a number above 0/],
    [{ internalErrors: { threshold: 0 } }, /Alarm internalErrors: threshold 0 must be a number above 0/],
    [
      { functionDuration: { threshold: 1.5 } },
      /Alarm functionDuration: threshold 1.5 is a fraction of the timeout/,
    ],
    [{ apiErrors: { evaluationPeriods: 0 } }, /Alarm apiErrors: evaluationPeriods 0 must be a whole number/],
    [
      { deadLetterDepth: { period: Duration.seconds(90) } },
      /Alarm deadLetterDepth: period 90 s must be a whole number of minutes/,
    ],
  ])('refuses %o with a clear message, before any alarm exists', (tuning, message) => {
    expect(() => alarmsWith(tuning)).toThrow(message);
  });
});

describe('Construct: OperationsDashboard', () => {
  let body: string;
  beforeAll(() => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    body = render(dashboard?.Properties.DashboardBody);
  });

  it('creates one dashboard named after the stack and outputs its URL', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `Wavelet-${TEST_STAGE}-operations`,
    });
    expect(render(template.findOutputs('DashboardUrl').DashboardUrl?.Value)).toMatch(
      /^https:\/\/\$\{AWS::Region\}\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=\$\{AWS::Region\}#dashboards:name=Wavelet-dev-operations$/,
    );
  });

  it.each([
    'Connections opened and closed',
    'Frames per second by action and outcome',
    'Errors by outcome',
    'Delivery outcomes',
    'Fan-out recipients by kind',
    'Fan-out duration by kind (ms)',
    'Frame latency p50 and p99 by action (ms)',
    'HTTP latency p50 and p99 by route (ms)',
    'Lambda errors per function group',
    'Lambda throttles per function group',
    'Lambda duration p99, WebSocket routes (ms)',
    'Lambda duration p99, queue consumers (ms)',
    'API Gateway 5xx and integration errors',
    'API Gateway integration latency p99 (ms)',
    'SQS age of the oldest message (s)',
    'Dead-letter queue depth',
    'DynamoDB throttled requests',
  ])('has the widget "%s"', (title) => {
    expect(body).toContain(`"title":"${title}"`);
  });

  it('charts frames by action with a SEARCH over the Frames metric of this stage, per second', () => {
    expect(body).toContain(
      `SEARCH('{Wavelet,action,outcome,service,stage} MetricName=\\"Frames\\" service=\\"wavelet\\" stage=\\"${TEST_STAGE}\\"', 'Sum', 60) / 60`,
    );
  });

  it('charts latency percentiles p50 and p99 of frames and HTTP requests', () => {
    for (const name of ['FrameLatency', 'HttpLatency']) {
      for (const stat of ['p50', 'p99'])
        expect(body).toMatch(new RegExp(`MetricName=\\\\"${name}\\\\".*'${stat}'`));
    }
  });
});
