import type { TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

/** The `data` of each direct message in the user's inbox, as stored. */
export const inboxData = async (rt: TestRuntime, userId: string): Promise<unknown[]> =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`))
    .filter((i) => String(i.sk).startsWith('MSG#'))
    .map((i) => (JSON.parse(i.frame as string) as { data: unknown }).data);

/** The `data` of each entry of the room's history, as stored (thread pointers carry none). */
export const historyData = async (rt: TestRuntime, roomId: string): Promise<unknown[]> =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `HIST#${roomId}#`))
    .filter((i) => typeof i.data === 'string')
    .map((i) => JSON.parse(i.data as string));
