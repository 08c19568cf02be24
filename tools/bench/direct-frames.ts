import { defaultAckDelayMs } from '../../client/acks.ts';
import { WaveletClient, type WebSocketConstructor } from '../../client/index.ts';
import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { signToken } from '../sign-token.ts';
import { countingWebSocket, type FrameLog, newFrameLog } from './counting-socket.ts';

/** Billed frames of one pattern of direct messages between two SDK clients at their defaults. */
export interface DirectPatternFrames {
  readonly pattern: string;
  readonly messages: number;
  /** Frames the sender wrote (its `send`s) and read (their replies), per message. */
  readonly senderFramesIn: number;
  readonly senderFramesOut: number;
  /** Frames the recipient read (the deliveries) and wrote (its `ack`s), per message. */
  readonly recipientFramesOut: number;
  readonly recipientFramesIn: number;
  /** `ack` frames per message, and the replies they drew (per ack frame). */
  readonly acksPerMessage: number;
  readonly repliesPerAck: number;
  /** Billed WebSocket messages per delivered message, both clients, both ways. */
  readonly billedFramesPerMessage: number;
}

export interface DirectFramesFigures {
  readonly ackDelayMs: number;
  readonly conversation: DirectPatternFrames;
  readonly burst: DirectPatternFrames;
}

export interface DirectFramesOptions {
  /** The conversation: this many messages, one every `intervalMs`. */
  readonly conversationMessages?: number;
  readonly intervalMs?: number;
  /** The burst: this many messages sent at once. */
  readonly burstMessages?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two real SDK clients with their default options through the local runtime: a sender and a
 * recipient with one connection each. Two patterns: a conversation (one message every
 * `intervalMs`, 2 s by default) and a burst (50 messages at once). Every frame each way is
 * counted from after both connected (the connect-time `sync` is the connection's, not the
 * message's) until the recipient acknowledged every message and the sender's client closed.
 */
export async function measureDirectFrames(options: DirectFramesOptions = {}): Promise<DirectFramesFigures> {
  const conversationMessages = options.conversationMessages ?? 10;
  const intervalMs = options.intervalMs ?? 2000;
  const burstMessages = options.burstMessages ?? 50;
  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    functionEnv: { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000', FRAME_BUDGET_PER_SECOND: '1000' },
  });
  try {
    const run = async (
      pattern: string,
      messages: number,
      send: (c: WaveletClient, to: string) => Promise<void>,
    ) => {
      const senderLog = newFrameLog();
      const recipientLog = newFrameLog();
      const open = async (user: string, log: FrameLog) => {
        const token = await signToken(user, { secret: localDefaults.jwtSecret, expiresInSeconds: 3600 });
        const client = new WaveletClient({
          url: rt.endpoints.websocket,
          token,
          WebSocket: countingWebSocket(log) as unknown as WebSocketConstructor,
        });
        await client.connect();
        return client;
      };
      const to = `frames-${pattern}-bob`;
      const recipient = await open(to, recipientLog);
      const sender = await open(`frames-${pattern}-alice`, senderLog);
      let delivered = 0;
      recipient.on('message', () => {
        delivered += 1;
      });
      // The connect-time sync (and its reply) belongs to the connection.
      await sleep(200);
      const mark = (log: FrameLog) => ({ sent: log.sent.length, received: log.received.length });
      const s0 = mark(senderLog);
      const r0 = mark(recipientLog);
      await send(sender, to);
      const ackedIds = () =>
        recipientLog.sent.filter((f) => f.action === 'ack').flatMap((f) => f.ids as string[]).length;
      const deadline = Date.now() + 60_000;
      while ((delivered < messages || ackedIds() < messages) && Date.now() < deadline) await sleep(100);
      await sleep(500); // any reply to the last ack would arrive
      const sentSince = (log: FrameLog, at: { sent: number }) => log.sent.slice(at.sent);
      const receivedSince = (log: FrameLog, at: { received: number }) => log.received.slice(at.received);
      const acks = sentSince(recipientLog, r0).filter((f) => f.action === 'ack');
      const ackRefs = new Set<unknown>(acks.map((f) => f.ref).filter((ref) => ref !== undefined));
      const ackReplies = receivedSince(recipientLog, r0).filter((f) => ackRefs.has(f.ref)).length;
      const per = (n: number) => Number((n / messages).toFixed(3));
      const figures: DirectPatternFrames = {
        pattern,
        messages,
        senderFramesIn: per(sentSince(senderLog, s0).length),
        senderFramesOut: per(receivedSince(senderLog, s0).length),
        recipientFramesOut: per(receivedSince(recipientLog, r0).length),
        recipientFramesIn: per(sentSince(recipientLog, r0).length),
        acksPerMessage: per(acks.length),
        repliesPerAck: acks.length === 0 ? 0 : ackReplies / acks.length,
        billedFramesPerMessage: per(
          sentSince(senderLog, s0).length +
            receivedSince(senderLog, s0).length +
            receivedSince(recipientLog, r0).length +
            sentSince(recipientLog, r0).length,
        ),
      };
      await Promise.all([sender.close(), recipient.close()]);
      return figures;
    };
    const conversation = await run(`conversation`, conversationMessages, async (sender, to) => {
      for (let i = 0; i < conversationMessages; i++) {
        if (i > 0) await sleep(intervalMs);
        await sender.send(to, { text: `message ${i}` });
      }
    });
    const burst = await run('burst', burstMessages, async (sender, to) => {
      await Promise.all(
        Array.from({ length: burstMessages }, (_, i) => sender.send(to, { text: `burst ${i}` })),
      );
    });
    return { ackDelayMs: defaultAckDelayMs, conversation, burst };
  } finally {
    await rt.stop();
  }
}

/** Prints the frames per direct message of each pattern. */
export function printDirectFrames(f: DirectFramesFigures): void {
  console.table(
    Object.fromEntries(
      [f.conversation, f.burst].map((p) => [
        `${p.pattern} (${p.messages} messages)`,
        {
          'sender in': p.senderFramesIn,
          'sender out': p.senderFramesOut,
          'recipient out': p.recipientFramesOut,
          'recipient in': p.recipientFramesIn,
          'acks / message': p.acksPerMessage,
          'replies / ack': p.repliesPerAck,
          'billed frames / message': p.billedFramesPerMessage,
        },
      ]),
    ),
  );
}
