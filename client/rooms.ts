import type { HistoryPage, JoinResult } from '../protocol/results.ts';
import type { MessageFrame } from '../protocol/server-frames.ts';
import { WaveletError } from './errors.ts';
import type { OutgoingFrame, RequestOptions } from './requests.ts';
import { type GapEvent, RoomTracker } from './room-tracker.ts';

const internal: RequestOptions = { internal: true, resend: false };
const isClosed = (error: unknown) => error instanceof WaveletError && error.code === 'CLOSED';
/** Refusals that will not change by asking again: the room is gone, or closed to this user. */
const isRefusal = (error: unknown) =>
  error instanceof WaveletError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND');
/** Wait before joining again after a transient failure (a timeout, an internal error). */
const rejoinRetryMs = 2000;

export interface RoomsDeps {
  readonly request: <T>(frame: OutgoingFrame | (() => OutgoingFrame), options?: RequestOptions) => Promise<T>;
  readonly deliver: (message: MessageFrame) => void;
  readonly gap: (event: GapEvent) => void;
  readonly error: (error: WaveletError) => void;
}

/**
 * The rooms this client joined: remembered until left, joined again after every reconnect
 * with `since` and `epoch`, and each kept in seq order by its {@link RoomTracker}.
 */
export class Rooms {
  private readonly trackers = new Map<string, RoomTracker>();

  constructor(private readonly deps: RoomsDeps) {}

  /** Joins (or joins again, recovering from the last seq delivered); the frame is built when sent. */
  async join(room: string): Promise<JoinResult> {
    const tracker = this.trackers.get(room) ?? this.track(room);
    tracker.joinsInFlight += 1;
    try {
      const result = await this.deps.request<JoinResult>(() => ({
        action: 'join',
        room,
        ...tracker.joinFields(),
      }));
      tracker.joinsInFlight -= 1;
      tracker.joined(result);
      return result;
    } catch (error) {
      tracker.joinsInFlight -= 1;
      // A room never joined is forgotten with its failed first join.
      if (tracker.lastSeq === undefined && tracker.joinsInFlight === 0) this.forget(tracker);
      else tracker.resume();
      throw error;
    }
  }

  /** Forgets a room at once: what is still in flight for it is dropped. */
  leave(room: string): void {
    const tracker = this.trackers.get(room);
    if (tracker) this.forget(tracker);
  }

  /** After a reconnect: joins every remembered room again, unless a join of it is already waiting to go. */
  rejoinAll(): void {
    for (const tracker of this.trackers.values()) {
      if (tracker.lastSeq !== undefined && tracker.joinsInFlight === 0) this.rejoin(tracker);
    }
  }

  receive(message: MessageFrame): void {
    if (message.room !== undefined) this.trackers.get(message.room)?.receive(message);
  }

  /** The rooms remembered, joined or joining. */
  names(): string[] {
    return [...this.trackers.keys()];
  }

  private rejoin(tracker: RoomTracker): void {
    if (tracker.left) return;
    tracker.joinsInFlight += 1;
    this.deps
      .request<JoinResult>({ action: 'join', room: tracker.room, ...tracker.joinFields() }, internal)
      .then(
        (result) => {
          tracker.joinsInFlight -= 1;
          tracker.joined(result);
        },
        (error: unknown) => {
          // A dropped connection joins again on the next open.
          if (isClosed(error)) {
            tracker.joinsInFlight -= 1;
            return;
          }
          if (error instanceof WaveletError) this.deps.error(error);
          if (isRefusal(error)) {
            tracker.joinsInFlight -= 1;
            this.forget(tracker);
            return;
          }
          // Still counted as in flight while it waits, so a reconnect meanwhile does not join twice.
          setTimeout(() => {
            tracker.joinsInFlight -= 1;
            this.rejoin(tracker);
          }, rejoinRetryMs);
        },
      );
  }

  private track(room: string): RoomTracker {
    const tracker = new RoomTracker(room, {
      deliver: this.deps.deliver,
      gap: this.deps.gap,
      history: (r, before, limit) =>
        this.deps.request<HistoryPage>({ action: 'history', room: r, before, limit }, internal),
      historyFailed: (error) => !isClosed(error),
      replay: (r, fields) => this.deps.request<JoinResult>({ action: 'join', room: r, ...fields }, internal),
    });
    this.trackers.set(room, tracker);
    return tracker;
  }

  private forget(tracker: RoomTracker): void {
    tracker.leave();
    if (this.trackers.get(tracker.room) === tracker) this.trackers.delete(tracker.room);
  }
}
