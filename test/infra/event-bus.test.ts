import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/manifest.ts';
import { synthDefaultStack, synthStack } from '../helpers/synth.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by path
type Json = Record<string, any>;

const importedArn = 'arn:aws:events:us-east-1:111111111111:event-bus/team-bus';

/** Functions (by manifest entry's handler path in the asset-less template) whose role may PutEvents. */
function functionsWithEnv(template: ReturnType<typeof synthStack>, variable: string): number {
  return Object.values(template.findResources('AWS::Lambda::Function')).filter(
    (f: Json) => f.Properties.Environment?.Variables?.[variable] !== undefined,
  ).length;
}

describe('Construct: MessagingEventBus', () => {
  it('creates one event bus and gives EVENT_BUS_NAME only to the functions that emit', () => {
    const template = synthDefaultStack();
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const emitters = Object.values(functions).filter((f) => (f.uses as readonly string[]).includes('events'));
    expect(functionsWithEnv(template, 'EVENT_BUS_NAME')).toBe(emitters.length);
    const putEvents = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: Json) =>
      p.Properties.PolicyDocument.Statement.some((s: Json) => [s.Action].flat().includes('events:PutEvents')),
    );
    expect(putEvents).toHaveLength(emitters.length);
  }, 60_000);

  it('puts on the bus of eventBusArn instead of creating one', () => {
    const template = synthStack({ events: { eventBusArn: importedArn } });
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents', Resource: importedArn })]),
      },
    });
  });

  it('has an event-retries queue with a dead-letter queue and an alarm on it', () => {
    const template = synthDefaultStack();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_RETRIES_QUEUE_URL: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('eventRetries dead-letter queue'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('inboxChecks dead-letter queue'),
    });
  });

  it('routes the detail-types of an example rule to a team queue', () => {
    const team = new Stack(undefined, 'Team');
    const queue = Queue.fromQueueArn(team, 'Push', 'arn:aws:sqs:us-east-1:111111111111:push');
    const template = synthStack({ events: { routes: { push: { detailTypes: ['inbox.unacked'], queue } } } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['wavelet'], 'detail-type': ['inbox.unacked'] },
      Targets: [Match.objectLike({ Arn: 'arn:aws:sqs:us-east-1:111111111111:push' })],
    });
  });

  it('refuses a route with no detail-types', () => {
    const team = new Stack(undefined, 'Team');
    const queue = Queue.fromQueueArn(team, 'Push', 'arn:aws:sqs:us-east-1:111111111111:push');
    expect(() => synthStack({ events: { routes: { push: { detailTypes: [], queue } } } })).toThrow(
      /detailTypes/,
    );
  });
});
