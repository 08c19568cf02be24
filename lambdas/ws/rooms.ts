import * as z from 'zod/mini';
import { AppError } from '../core/errors.ts';
import '../core/schema.ts';
import { wsRoute } from '../core/ws-route.ts';

const anyAction = z.object({ action: z.string() });

/**
 * The room actions (join, leave, publish, history, read, typing, status, who). Their routes
 * exist so the API's route table is complete; the behaviour arrives with rooms and presence.
 */
export const notYetAvailable = wsRoute(anyAction, async (frame) => {
  throw new AppError('UNKNOWN_ACTION', `Action "${frame.action}" is not available in this version`);
});
