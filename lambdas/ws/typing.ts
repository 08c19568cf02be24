import { notYetAvailable } from './rooms.ts';

/** Placeholder until the typing action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
