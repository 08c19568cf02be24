/**
 * The actions a client frame may name (docs/protocol.md, "Client frames"). A file
 * of its own, free of zod, so that the SDK can name them without their schemas;
 * `client-frames.ts` holds one schema per action and checks at compile time that the two lists
 * agree.
 */
export const clientActions = [
  'ping',
  'send',
  'sync',
  'ack',
  'join',
  'leave',
  'publish',
  'history',
  'read',
  'typing',
  'status',
  'who',
  'block',
  'unblock',
  'refresh',
  'edit',
  'delete',
  'react',
] as const;

/** The `action` of a client frame. */
export type ClientAction = (typeof clientActions)[number];
