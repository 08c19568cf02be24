import { createUploadBody } from '../../protocol/http-requests.ts';
import { bodyOf, callerOf } from '../core/http-input.ts';
import { enforceUserCap, httpRoute } from '../core/http-route.ts';
import { createUpload } from '../core/services/files.ts';

/** `POST /uploads`: a presigned PUT for one file of the declared name, type and size (201). */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  await enforceUserCap(deps, caller.userId, 'uploads');
  return { status: 201, body: await createUpload(deps, caller.userId, bodyOf(event, createUploadBody)) };
});
