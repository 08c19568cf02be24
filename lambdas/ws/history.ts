import { notYetAvailable } from './rooms.ts';

/** Placeholder until the history action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
