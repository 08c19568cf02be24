import type { MembershipEvent, PresenceEvent } from '../../../protocol/events.ts';
import { requireResource } from '../config.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import type { DeliveryRecord, Departure } from '../delivery/records.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import type { BusEvent } from '../events/bus-events.ts';
import { emitEvents, newBusEvent } from '../events/emit.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { sendRecords } from '../queue.ts';
import type { RemovedConnection } from '../store/connections.ts';
import { claimDeparture } from '../store/departure-claims.ts';
import { getRoom } from '../store/rooms.ts';

/** Rooms announced to at once; each costs a room read and a subscriber query. */
const roomConcurrency = 8;

/** A departure as its removal decided it: who, when last seen, and what to announce. */
export const departureOf = (removed: RemovedConnection): Departure => ({
  connectionId: removed.connectionId,
  userId: removed.userId,
  rooms: [...removed.presence.left],
  lastSeen: removed.lastSeenAt,
  offline: removed.presence.offline,
});

/** Why a connection closed, in `connection.closed`. */
export type CloseReason = 'disconnect' | 'stale' | 'expired' | 'gone';

/**
 * The bus events of a connection's removal: `connection.closed`, and `presence.changed` offline
 * when it was the user's last connection. Put by whoever removed it, so once.
 */
export function closedEvents(
  deps: Pick<Deps, 'now'>,
  closed: RemovedConnection,
  reason?: CloseReason,
): BusEvent[] {
  const { userId: user, device, connectionId } = closed;
  const ts = deps.now();
  return [
    newBusEvent(deps, 'connection.closed', {
      connectionId,
      user,
      ...(device ? { device } : {}),
      ...(reason ? { reason } : {}),
      ts,
    }),
    ...(closed.presence.offline
      ? [newBusEvent(deps, 'presence.changed', { user, status: 'offline', ts })]
      : []),
  ];
}

/**
 * Hands the departures of the connections a delivery found gone (and removed) to the
 * deliveries queue, one `departure` record each; the delivery worker announces them. Not
 * inline: a fan-out that meets many stale connections would otherwise run an announcement per
 * connection (a delivery to each of its rooms) inside the publisher's request. `$disconnect`
 * and the sweeper, which exist to close connections, announce inline through `closeConnection`.
 *
 * A removal that changed nothing a room can see (another connection of the user is still
 * there) costs no record. The delivery has happened, and failing its caller now would replay
 * it to every connection already reached: when the queue refuses the records, the departures
 * are announced here instead, so none is lost.
 */
export async function queueDepartures(deps: Deps, removed: readonly RemovedConnection[]): Promise<void> {
  if (removed.length === 0) return;
  // Its socket was gone (a 410): the bus hears of it as of a `$disconnect`, which may never come.
  const events = emitEvents(
    deps,
    removed.flatMap((closed) => closedEvents(deps, closed, 'gone')),
  ); // never rejects
  const departures = removed.map(departureOf).filter((d) => d.rooms.length > 0);
  if (departures.length === 0) return events;
  const records = departures.map((connection) => ({
    body: JSON.stringify({ type: 'departure', connection } satisfies DeliveryRecord),
  }));
  try {
    await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), records);
  } catch (error) {
    count('InternalErrors');
    logger.warn('Departures not queued; announcing them here', {
      connectionIds: departures.map((d) => d.connectionId),
      error: error as Error,
    });
    for (const departure of departures) await announceDeparture(deps, departure);
  }
  await events;
}

export interface AnnounceDepartureOptions {
  /**
   * Claim each room's announcement first (the delivery worker, whose record may come back).
   * A failed read or claim then throws, after the other rooms, so the record is retried and
   * announces only the rooms not yet claimed. @default false
   */
  readonly claimed?: boolean;
}

/**
 * Tells a departed connection's rooms what its removal decided: `left` in each of `rooms`,
 * followed by presence `offline` (with `lastSeen`) when it was the user's last connection.
 * Best-effort like the events themselves: a failed delivery is logged.
 */
export async function announceDeparture(
  deps: Deps,
  departure: Departure,
  options: AnnounceDepartureOptions = {},
): Promise<void> {
  const { connectionId, userId: user, lastSeen, offline } = departure;
  const ts = deps.now();
  await announceToRooms(
    deps,
    departure.rooms,
    (room): (MembershipEvent | PresenceEvent)[] => [
      { type: 'event', event: 'left', room, user, ts },
      ...(offline
        ? [{ type: 'event', event: 'presence', room, user, status: 'offline', lastSeen, ts } as const]
        : []),
    ],
    options.claimed ? { claim: (room) => claimDeparture(deps, connectionId, room) } : {},
  );
}

export interface AnnounceOptions {
  readonly exceptConnectionId?: string;
  /** Called before a room is told; false skips it (told already). Its failure is thrown. */
  readonly claim?: (roomId: string) => Promise<boolean>;
}

/**
 * Delivers each room its frames, except in rooms above ROOM_EVENTS_MAX_MEMBERS, where one
 * user's comings and goings would cost a post to every subscriber (presence storms). Without
 * `claim`, every failure is logged; with it, a failure before a room's delivery is thrown once
 * every room had its turn.
 */
export async function announceToRooms(
  deps: Deps,
  roomIds: readonly string[],
  framesFor: (roomId: string) => readonly object[],
  options: AnnounceOptions = {},
): Promise<void> {
  const failures: unknown[] = [];
  await mapWithConcurrency(roomIds, roomConcurrency, async (roomId) => {
    try {
      const room = await getRoom(deps, roomId);
      if (!room || room.memberCount > deps.config.ROOM_EVENTS_MAX_MEMBERS) return;
      if (options.claim && !(await options.claim(roomId))) return;
    } catch (error) {
      if (options.claim) failures.push(error);
      else {
        count('InternalErrors');
        logger.warn('Presence announcement failed', { roomId, error: error as Error });
      }
      return;
    }
    try {
      for (const frame of framesFor(roomId)) {
        const report = await deliverToRoom(deps, roomId, JSON.stringify(frame), {
          exceptConnectionId: options.exceptConnectionId,
        });
        await queueDepartures(deps, report.removed);
      }
    } catch (error) {
      count('InternalErrors');
      logger.warn('Presence announcement failed', { roomId, error: error as Error });
    }
  });
  if (failures.length > 0) throw failures[0];
}
