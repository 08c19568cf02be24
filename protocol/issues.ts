import type * as z from 'zod/mini';

/** Formats zod's complaint as one readable sentence, the `message` of a `BAD_REQUEST`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
