import { notYetAvailable } from './rooms.ts';

/** Placeholder until the publish action lands: answers UNKNOWN_ACTION. */
export const handler = notYetAvailable;
