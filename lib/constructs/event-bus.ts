import { EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A rule that routes chosen detail-types of the bus to a team's queue or function. */
export interface EventRouteProps {
  /** `message.sent`, `inbox.unacked`, ... (docs/integration.md lists them). */
  readonly detailTypes: readonly string[];
  /** Exactly one of `queue` and `function`. */
  readonly queue?: IQueue;
  readonly function?: IFunction;
}

export interface MessagingEventBusProps {
  /**
   * Put events on this existing bus (`-c eventBusArn=...`) instead of creating one.
   * @default a new bus for the stack
   */
  readonly eventBusArn?: string;
  /**
   * Rules to create on the bus, each matching `source: wavelet` and its detail-types.
   * @default none
   */
  readonly routes?: Readonly<Record<string, EventRouteProps>>;
}

/**
 * The bus every state change is put on (docs/integration.md): created for the stack, or an
 * existing one imported by ARN; and the example routes of `routes`, one rule each.
 *
 * @example
 * new MessagingEventBus(this, 'Events', {
 *   routes: { push: { detailTypes: ['inbox.unacked'], queue: pushQueue } },
 * });
 */
export class MessagingEventBus extends Construct {
  public readonly bus: IEventBus;
  /** The rules of `routes`, by name. */
  public readonly rules: Readonly<Record<string, Rule>>;

  constructor(scope: Construct, id: string, props: MessagingEventBusProps = {}) {
    super(scope, id);
    this.bus = props.eventBusArn
      ? EventBus.fromEventBusArn(this, 'Bus', props.eventBusArn)
      : new EventBus(this, 'Bus');
    const rules: Record<string, Rule> = {};
    for (const [name, route] of Object.entries(props.routes ?? {})) {
      if (route.detailTypes.length === 0) throw new Error(`Event route ${name} needs detailTypes`);
      if (Boolean(route.queue) === Boolean(route.function)) {
        throw new Error(`Event route ${name} needs exactly one of queue and function`);
      }
      const target = route.queue
        ? new SqsQueue(route.queue)
        : new LambdaFunction(route.function as IFunction);
      rules[name] = new Rule(this, `Route${name.charAt(0).toUpperCase()}${name.slice(1)}`, {
        eventBus: this.bus,
        eventPattern: { source: ['wavelet'], detailType: [...route.detailTypes] },
        targets: [target],
      });
    }
    this.rules = rules;
  }
}
