import { AppError } from '../core/errors.ts';
import { httpRoute } from '../core/http-route.ts';

/** Placeholder until this route lands. */
export const handler = httpRoute(async () => {
  throw new AppError('NOT_FOUND', 'Not implemented yet');
});
