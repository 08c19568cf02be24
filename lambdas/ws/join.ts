import { notYetAvailable } from './rooms.ts';

/** Placeholder until the join action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
