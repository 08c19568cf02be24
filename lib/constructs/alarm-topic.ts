import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * An e-mail address to subscribe; AWS mails it a link that must be followed once.
   * @default no e-mail subscription
   */
  readonly email?: string;
  /**
   * An `https://` URL to subscribe (a chat webhook, an incident tool); it must answer the
   * SubscriptionConfirmation request SNS posts first.
   * @default no webhook subscription
   */
  readonly webhookUrl?: string;
  /**
   * A customer-managed key to encrypt the topic with. Its key policy must let
   * `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`): alarms cannot
   * publish to a topic under the AWS-managed `alias/aws/sns` key.
   * @default no server-side encryption
   */
  readonly masterKey?: IKey;
}

/** Something with an `@`, no spaces, and a dot in the domain: what SNS accepts, roughly. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The one SNS topic every alarm of the stack notifies, in alarm and back to OK. TLS is required
 * by its topic policy; `email` and `webhookUrl` subscribe someone, and a malformed value fails
 * synth before anything is deployed.
 *
 * @example
 * const { topic } = new AlarmTopic(this, 'AlarmTopic', { email: 'oncall@example.com' });
 */
export class AlarmTopic extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    if (props.email !== undefined && !EMAIL.test(props.email)) {
      throw new Error(`alarmEmail '${props.email}' is not an e-mail address (name@example.com)`);
    }
    if (props.webhookUrl !== undefined) checkWebhookUrl(props.webhookUrl);

    this.topic = new Topic(this, 'Topic', { enforceSSL: true, masterKey: props.masterKey });
    // A topic policy replaces SNS's default one, which is what lets the account's alarms publish:
    // with only the TLS deny, every alarm action would fail. Only this account's alarms may.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (!props.masterKey) {
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed alias/aws/sns key; ' +
          'encryption needs a customer-managed key whose policy admits cloudwatch.amazonaws.com, ' +
          'which -c kmsKey provides. Alarm notifications carry alarm names and metric values, no user data.',
      });
    }
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    if (props.webhookUrl) this.topic.addSubscription(new UrlSubscription(props.webhookUrl));
  }
}

function checkWebhookUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`alarmWebhookUrl '${value}' is not a URL (https://hooks.example.com/...)`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`alarmWebhookUrl '${value}' must use https://, so alarms never travel in clear text`);
  }
}
