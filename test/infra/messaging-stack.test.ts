import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FunctionName,
  functions,
  httpApi,
  queues,
  schedules,
  table,
  websocketApi,
} from '../../lib/manifest.ts';
import {
  actionsOf,
  type FoundFunction,
  functionsByName,
  onlyLogicalId,
  render,
  statementsOf,
  synthDefaultStack,
  TEST_STAGE,
} from '../helpers/synth.ts';

const LIFECYCLE = ['$connect', '$disconnect'];
const wsRouteKeys = Object.keys(websocketApi.routes);
const messageRouteKeys = wsRouteKeys.filter((key) => !LIFECYCLE.includes(key));
const manifestEntries = Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][];

let template: Template;
let byName: Map<string, FoundFunction>;
let wsApiId: string;

beforeAll(() => {
  template = synthDefaultStack();
  byName = functionsByName(template);
  wsApiId = onlyLogicalId(template, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
}, 120_000);

describe('Construct: MessagingWebSocketApi', () => {
  it('uses the manifest route selection expression', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: websocketApi.routeSelectionExpression,
    });
  });

  it('creates one route per manifest route key', () => {
    for (const routeKey of wsRouteKeys) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: { Ref: wsApiId },
        RouteKey: routeKey,
      });
    }
  });

  it('makes every message route two-way and leaves $connect and $disconnect one-way', () => {
    for (const routeKey of messageRouteKeys) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        RouteResponseSelectionExpression: '$default',
      });
    }
    for (const routeKey of LIFECYCLE) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        RouteResponseSelectionExpression: Match.absent(),
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', messageRouteKeys.length);
    template.allResourcesProperties('AWS::ApiGatewayV2::RouteResponse', { RouteResponseKey: '$default' });
  });

  it('authorizes $connect only, with a REQUEST authorizer that lists no identity source', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: wsApiId },
      AuthorizerType: 'REQUEST',
      IdentitySource: Match.absent(),
    });
    const authorizerId = onlyLogicalId(template, 'AWS::ApiGatewayV2::Authorizer');
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
    for (const routeKey of wsRouteKeys.filter((key) => key !== '$connect')) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
        AuthorizerId: Match.absent(),
      });
    }
  });

  it('deploys a stage named after the stage with auto-deploy and default route throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: wsApiId },
      StageName: TEST_STAGE,
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });
});

describe('Construct: MessagingHttpApi', () => {
  it('creates an HTTP API that allows CORS with the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['*'],
        AllowHeaders: Match.arrayWith(['authorization']),
      }),
    });
  });

  it('creates every manifest route without a built-in authorizer', () => {
    for (const routeKey of Object.keys(httpApi.routes)) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
  });

  it('throttles its stage, and POST /tickets and POST /rooms lower, by default', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      RouteSettings: {
        'POST /tickets': { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
        'POST /rooms': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      },
    });
  });

  it('creates its stage after the routes its route settings name', () => {
    const stages = template.findResources('AWS::ApiGatewayV2::Stage', {
      Properties: { StageName: '$default' },
    });
    const [stage] = Object.values(stages);
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const named = (key: string) => Object.entries(routes).find(([, r]) => r.Properties.RouteKey === key)?.[0];
    expect(stage?.DependsOn).toEqual(expect.arrayContaining([named('POST /tickets'), named('POST /rooms')]));
  });
});

describe('Construct: Storage', () => {
  it('creates an on-demand table with point-in-time recovery and the manifest TTL attribute', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
    });
  });

  it('creates every manifest index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Object.entries(table.indexes).map(([indexName, index]) => ({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          'include' in index
            ? {
                ProjectionType: 'INCLUDE',
                NonKeyAttributes: [...(index as { include: readonly string[] }).include],
              }
            : { ProjectionType: 'ALL' },
      })),
    });
  });

  it('keeps no last-seen or credential-expiry index, so a heartbeat, $connect and refresh write none for them', () => {
    const [resource] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const props = resource?.Properties as {
      GlobalSecondaryIndexes: { IndexName: string }[];
      AttributeDefinitions: { AttributeName: string }[];
    };
    expect(props.GlobalSecondaryIndexes.map((i) => i.IndexName).sort()).toEqual(['byUser']);
    expect(props.AttributeDefinitions.map((a) => a.AttributeName)).not.toContain('gsi2pk');
    expect(props.AttributeDefinitions.map((a) => a.AttributeName)).not.toContain('gsi3pk');
  });

  it('lets a non-prod stage delete the table with the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});

describe('Construct: Queues', () => {
  const queueNames = Object.keys(queues);

  it('gives every queue a dead-letter queue with SQS-managed encryption', () => {
    template.resourceCountIs('AWS::SQS::Queue', queueNames.length * 2 + 1); // and the schedule DLQ
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('redrives each queue after the manifest maxReceiveCount and uses its visibility timeout', () => {
    for (const spec of Object.values(queues)) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: spec.maxReceiveCount },
      });
    }
  });

  it('denies every request that does not use TLS', () => {
    // Each queue, its dead-letter queue, and the scheduled functions' dead-letter queue.
    template.resourceCountIs('AWS::SQS::QueuePolicy', queueNames.length * 2 + 1);
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('Construct: Triggers', () => {
  it('maps each queue to its consumer with partial batch responses and the manifest batch size', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', Object.keys(queues).length);
    for (const spec of Object.values(queues)) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: byName.get(spec.consumer)?.logicalId },
        BatchSize: spec.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('lets each consumer send rejected records to its own dead-letter queue, and no other function', () => {
    const outputs = template.findOutputs('*');
    const queueResources = template.findResources('AWS::SQS::Queue');
    const dlqOf = (outputName: string): string =>
      queueResources[outputs[outputName]?.Value.Ref]?.Properties.RedrivePolicy.deadLetterTargetArn[
        'Fn::GetAtt'
      ][0];
    const dlqs = [
      { consumer: queues.deliveries.consumer, env: 'DELIVERIES_DLQ_URL', id: dlqOf('DeliveriesQueueUrl') },
      {
        consumer: queues.notifications.consumer,
        env: 'NOTIFICATIONS_DLQ_URL',
        id: dlqOf('NotificationsQueueUrl'),
      },
    ];
    for (const [name] of manifestEntries) {
      for (const dlq of dlqs) {
        const sends = statementsOf(template, byName.get(name)!).some(
          (s) =>
            actionsOf(s).includes('sqs:SendMessage') &&
            [s.Resource].flat().some((r) => render(r) === `\${${dlq.id}.Arn}`),
        );
        const consumes = dlq.consumer === name;
        expect(sends, `${name} sends to ${dlq.env}`).toBe(consumes);
        expect(byName.get(name)?.properties.Environment.Variables[dlq.env], name).toEqual(
          consumes ? { Ref: dlq.id } : undefined,
        );
      }
    }
  });

  it('creates one rule per manifest schedule', () => {
    template.resourceCountIs('AWS::Events::Rule', Object.keys(schedules).length);
  });
});

describe('Construct: HandlerFunction', () => {
  it('runs every function on nodejs22.x arm64 with source maps and Powertools settings', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'wavelet',
          POWERTOOLS_METRICS_NAMESPACE: 'Wavelet',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
      LoggingConfig: { LogGroup: Match.anyValue() },
      FunctionName: Match.absent(),
    });
  });

  it('takes each timeout and memory size from the manifest', () => {
    for (const [name, spec] of manifestEntries) {
      const props = byName.get(name)?.properties;
      expect(props?.Timeout, name).toBe('timeoutSeconds' in spec ? spec.timeoutSeconds : 10);
      expect(props?.MemorySize, name).toBe(256);
    }
  });

  it('gives every function its own log group with a retention', () => {
    // One per function and one for each API's access logs.
    template.resourceCountIs('AWS::Logs::LogGroup', manifestEntries.length + 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('Function: bindUses', () => {
  const uses = (name: FunctionName) => new Set<string>(functions[name].uses);
  const statements = (name: FunctionName) => statementsOf(template, byName.get(name)!);
  const variables = (name: FunctionName): Record<string, unknown> =>
    byName.get(name)?.properties.Environment.Variables;

  it('grants ManageConnections on this stage @connections only, and only to functions that use management', () => {
    const expected = `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${wsApiId}}/${TEST_STAGE}/*/@connections/*`;
    for (const [name] of manifestEntries) {
      const granted = statements(name).filter((s) => actionsOf(s).some((a) => a.startsWith('execute-api:')));
      if (uses(name).has('management')) {
        expect(granted, name).toHaveLength(1);
        expect(actionsOf(granted[0]!), name).toEqual(['execute-api:ManageConnections']);
        expect(render(granted[0]?.Resource), name).toBe(expected);
        expect(render(variables(name).MANAGEMENT_ENDPOINT), name).toBe(
          `https://\${${wsApiId}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${TEST_STAGE}`,
        );
      } else {
        expect(granted, name).toHaveLength(0);
        expect(variables(name), name).not.toHaveProperty('MANAGEMENT_ENDPOINT');
      }
    }
  });

  it('grants each item grant of the manifest as one statement on the table with its LeadingKeys, and nothing else on the table', () => {
    const tableId = onlyLogicalId(template, 'AWS::DynamoDB::Table');
    for (const [name, spec] of manifestEntries) {
      const onTable = statements(name)
        .filter((s) => [s.Resource].flat().some((r) => render(r) === `\${${tableId}.Arn}`))
        .map((s) => ({
          resources: [s.Resource].flat().map(render),
          actions: actionsOf(s).sort(),
          leadingKeys: [s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']].flat().sort(),
          conditions: Object.keys(s.Condition ?? {}),
        }));
      const expected = (spec.items ?? []).map((grant) => ({
        resources: [`\${${tableId}.Arn}`],
        actions: grant.actions.map((a) => `dynamodb:${a}`).sort(),
        leadingKeys: [...grant.keys].sort(),
        conditions: ['ForAllValues:StringLike'],
      }));
      const order = (list: { actions: string[]; leadingKeys: unknown[] }[]) =>
        [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(order(onTable), name).toEqual(order(expected));
    }
  });

  it('grants on an index only the actions the manifest lists for that index, and sets TABLE_NAME with any table grant', () => {
    const tableId = onlyLogicalId(template, 'AWS::DynamoDB::Table');
    for (const [name, spec] of manifestEntries) {
      const granted: Record<string, string[]> = {};
      for (const s of statements(name)) {
        for (const resource of [s.Resource].flat()) {
          const index = render(resource).match(new RegExp(`^\\$\\{${tableId}\\.Arn\\}/index/(.+)$`))?.[1];
          if (index) granted[index] = [...(granted[index] ?? []), ...actionsOf(s)];
        }
      }
      const indexes: Record<string, readonly string[]> =
        'indexes' in spec && spec.indexes ? spec.indexes : {};
      expect(granted, name).toEqual(
        Object.fromEntries(
          Object.entries(indexes).map(([i, actions]) => [i, actions.map((a) => `dynamodb:${a}`)]),
        ),
      );
      const usesTable = Boolean(spec.items?.length) || Object.keys(indexes).length > 0;
      if (usesTable) expect(variables(name), name).toHaveProperty('TABLE_NAME');
      else expect(variables(name), name).not.toHaveProperty('TABLE_NAME');
    }
  });

  it('grants send on a queue, with its URL, only to functions that use that queue', () => {
    const outputs = template.findOutputs('*');
    const queueIds = {
      DELIVERIES_QUEUE_URL: ['queue:deliveries', outputs.DeliveriesQueueUrl?.Value.Ref],
      NOTIFICATIONS_QUEUE_URL: ['queue:notifications', outputs.NotificationsQueueUrl?.Value.Ref],
      EVENT_RETRIES_QUEUE_URL: ['queue:eventRetries', outputs.EventRetriesQueueUrl?.Value.Ref],
      INBOX_CHECKS_QUEUE_URL: ['queue:inboxChecks', outputs.InboxChecksQueueUrl?.Value.Ref],
    };
    for (const [name] of manifestEntries) {
      for (const [envName, [use, queueId]] of Object.entries(queueIds)) {
        const sends = statements(name).some(
          (s) =>
            actionsOf(s).includes('sqs:SendMessage') &&
            [s.Resource].flat().some((r) => render(r) === `\${${queueId}.Arn}`),
        );
        expect(sends, `${name} sends on ${use}`).toBe(uses(name).has(use));
        const bound = uses(name).has(use) || uses(name).has(`${use}:attributes`);
        expect(variables(name)[envName], name).toEqual(bound ? { Ref: queueId } : undefined);
      }
    }
  });

  it('lets only functions that use jwt read the signing secret', () => {
    const secretId = onlyLogicalId(template, 'AWS::SecretsManager::Secret');
    for (const [name] of manifestEntries) {
      const reads = statements(name).some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
      expect(reads, name).toBe(uses(name).has('jwt'));
      expect(variables(name).JWT_SECRET_ARN, name).toEqual(
        uses(name).has('jwt') ? { Ref: secretId } : undefined,
      );
    }
  });
});

describe('Stack: MessagingStack', () => {
  it('exports the URLs, queue URLs, table name and management endpoint', () => {
    const outputs = template.findOutputs('*');
    for (const name of [
      'WebSocketUrl',
      'HttpUrl',
      'NotificationsQueueUrl',
      'DeliveriesQueueUrl',
      'TableName',
      'ManagementEndpoint',
    ]) {
      expect(outputs, name).toHaveProperty(name);
    }
    expect(render(outputs.WebSocketUrl?.Value)).toMatch(new RegExp(`^wss://.*/${TEST_STAGE}$`));
    expect(render(outputs.ManagementEndpoint?.Value)).toMatch(new RegExp(`^https://.*/${TEST_STAGE}$`));
  });
});
