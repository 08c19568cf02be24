import { notYetAvailable } from './rooms.ts';

/** Placeholder until the who action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
