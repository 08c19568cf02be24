/** Placeholder until the sweeper lands. */
export const handler = async (): Promise<void> => undefined;
