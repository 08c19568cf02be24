import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../../lambdas/core/events/bus-events.ts';
import { emitEvents } from '../../../../lambdas/core/events/emit.ts';
import { testConfig } from '../../../helpers/config.ts';

type Entry = { DetailType: string; Detail: string; Source: string; EventBusName: string };

/** A bus that records each PutEvents call and refuses the entries `refuse` picks. */
function fakeDeps(refuse: (entry: Entry) => boolean = () => false, failCall = false) {
  const puts: Entry[][] = [];
  const retries: { body: unknown; delaySeconds?: number }[] = [];
  const events = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries as Entry[];
      puts.push(entries);
      if (failCall) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const results = entries.map((e) =>
        refuse(e) ? { ErrorCode: 'ThrottlingException' } : { EventId: 'x' },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  } as unknown as EventBridgeClient;
  const sqs = {
    send: async (command: SendMessageBatchCommand) => {
      for (const e of command.input.Entries ?? [])
        retries.push({ body: JSON.parse(e.MessageBody ?? ''), delaySeconds: e.DelaySeconds });
      return {};
    },
  } as unknown as SQSClient;
  const config = { ...testConfig(), EVENT_BUS_NAME: 'bus', EVENT_RETRIES_QUEUE_URL: 'retries' };
  return { deps: { config, events, sqs, now: Date.now }, puts, retries };
}

const event = (n: number): BusEvent => ({
  detailType: 'room.created',
  detail: { id: `id-${n}`, room: `r${n}`, by: 'u', ts: n },
});

describe('Function: emitEvents', () => {
  it('puts up to ten entries per PutEvents, with source wavelet and the bus', async () => {
    const { deps, puts, retries } = fakeDeps();
    await emitEvents(
      deps,
      Array.from({ length: 23 }, (_, i) => event(i)),
    );
    expect(puts.map((p) => p.length).sort()).toEqual([10, 10, 3]);
    expect(puts.flat().every((e) => e.Source === 'wavelet' && e.EventBusName === 'bus')).toBe(true);
    expect(retries).toEqual([]);
  });

  it('sends only the refused entries to the retry queue, delayed a second, with their detail unchanged', async () => {
    const { deps, retries } = fakeDeps((e) => JSON.parse(e.Detail).id === 'id-1');
    await emitEvents(deps, [event(0), event(1), event(2)]);
    expect(retries).toEqual([
      {
        body: {
          entries: [{ DetailType: 'room.created', Detail: JSON.stringify(event(1).detail) }],
          attempt: 1,
        },
        delaySeconds: 1,
      },
    ]);
  });

  it('sends every entry of a call that failed as a whole to the retry queue, and does not throw', async () => {
    const { deps, retries } = fakeDeps(undefined, true);
    await expect(emitEvents(deps, [event(0), event(1)])).resolves.toBeUndefined();
    expect(retries.map((r) => (r.body as { entries: unknown[] }).entries.length)).toEqual([2]);
  });
});
