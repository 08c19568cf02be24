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
  /** When the JWT that bought the ticket expires (epoch ms): the connection's credential expiry. */
  readonly expiresAt: number;
}

/** Tickets are 32 base64url characters today; the bound leaves room without reaching key limits. */
const issuedTicketShape = /^[A-Za-z0-9_-]{1,128}$/;

export async function createTicket(deps: TableDeps, holder: TicketHolder): Promise<Ticket> {
  const ticket = newSecretToken();
  // A ticket never outlives the JWT that bought it.
  const expiresAt = Math.min(deps.now() + deps.config.TICKET_TTL_SECONDS * 1000, holder.expiresAt);
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.ticket(ticket),
        type: 'ticket',
        userId: holder.userId,
        roles: [...holder.roles],
        credentialExpiresAt: holder.expiresAt,
        validUntil: expiresAt,
        expiresAt: epochSeconds(expiresAt) + 1,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { ticket, expiresAt, credentialExpiresAt: holder.expiresAt };
}

/**
 * Takes a ticket out of the table. The delete is the single-use guarantee: of two handshakes
 * presenting the same ticket, only one gets the item back. Undefined when the ticket is
 * unknown, used or expired.
 */
export async function consumeTicket(deps: TableDeps, ticket: string): Promise<TicketHolder | undefined> {
  // Not of the shape newSecretToken makes: it cannot be in the table, so the table is not asked
  // (a key over DynamoDB's 2 KB limit would fail the call instead of finding nothing).
  if (!issuedTicketShape.test(ticket)) return undefined;
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
    const expiresAt = Attributes.credentialExpiresAt;
    // A ticket from before credential expiry was stored lives 30 seconds: refuse it rather than guess.
    if (typeof expiresAt !== 'number' || expiresAt <= deps.now()) return undefined;
    return { userId: Attributes.userId as string, roles: (Attributes.roles as string[]) ?? [], expiresAt };
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}
