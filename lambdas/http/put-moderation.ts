import { moderationBody } from '../../protocol/http-requests.ts';
import { adminOf, bodyOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { forgetModerationCache } from '../core/services/content-screen.ts';
import { putModeration } from '../core/store/moderation.ts';

/** `PUT /moderation` (admin): replaces the moderation settings and answers them. */
export const handler = httpRoute(async (event, deps) => {
  await adminOf(deps, event);
  const settings = bodyOf(event, moderationBody);
  await putModeration(deps, settings);
  forgetModerationCache();
  return { body: settings };
});
