import { notYetAvailable } from './rooms.ts';

/** Placeholder until the read action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
