import { filePath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { fileUrlFor } from '../core/services/files.ts';

/** `GET /files/{fileId}`: 302 to a presigned GET (5 minutes) for whoever may see the file. */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { fileId } = pathOf(event, filePath);
  const location = await fileUrlFor(deps, caller, fileId);
  return { status: 302, body: { location }, headers: { location } };
});
