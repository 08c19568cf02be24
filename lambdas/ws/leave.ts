import { notYetAvailable } from './rooms.ts';

/** Placeholder until the leave action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
