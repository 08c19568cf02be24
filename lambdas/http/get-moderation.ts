import { adminOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { getModeration } from '../core/store/moderation.ts';

/** `GET /moderation` (admin): the moderation settings, `{ words, mode }`. */
export const handler = httpRoute(async (event, deps) => {
  await adminOf(deps, event);
  return { body: await getModeration(deps) };
});
