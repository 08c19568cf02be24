import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Ticket } from '../../../protocol/http-responses.ts';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { newSecretToken } from '../ids.ts';
import { epochSeconds, keys } from './keys.ts';

export type { Ticket };

export interface TicketHolder {
  readonly userId: string;
  readonly roles: readonly string[];
}

export async function createTicket(deps: TableDeps, holder: TicketHolder): Promise<Ticket> {
  const ticket = newSecretToken();
  const expiresAt = deps.now() + deps.config.TICKET_TTL_SECONDS * 1000;
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.ticket(ticket),
        type: 'ticket',
        userId: holder.userId,
        roles: [...holder.roles],
        validUntil: expiresAt,
        expiresAt: epochSeconds(expiresAt) + 1,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { ticket, expiresAt };
}

/**
 * Takes a ticket out of the table. The delete is the single-use guarantee: of two handshakes
 * presenting the same ticket, only one gets the item back. Undefined when the ticket is
 * unknown, used or expired.
 */
export async function consumeTicket(deps: TableDeps, ticket: string): Promise<TicketHolder | undefined> {
  try {
    const { Attributes } = await deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.ticket(ticket),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!Attributes || (Attributes.validUntil as number) < deps.now()) return undefined;
    return { userId: Attributes.userId as string, roles: (Attributes.roles as string[]) ?? [] };
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}
