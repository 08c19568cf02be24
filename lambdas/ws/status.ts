import { notYetAvailable } from './rooms.ts';

/** Placeholder until the status action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
