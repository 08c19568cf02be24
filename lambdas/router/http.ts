import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpApi } from '../../lib/manifest.ts';
import { handler as createRoom } from '../http/create-room.ts';
import { handler as createUpload } from '../http/create-upload.ts';
import { handler as deleteMember } from '../http/delete-member.ts';
import { handler as deleteRoom } from '../http/delete-room.ts';
import { handler as getFile } from '../http/get-file.ts';
import { handler as getModeration } from '../http/get-moderation.ts';
import { handler as getRoom } from '../http/get-room.ts';
import { handler as getUnread } from '../http/get-unread.ts';
import { handler as health } from '../http/health.ts';
import { handler as listBlocks } from '../http/list-blocks.ts';
import { handler as listMembers } from '../http/list-members.ts';
import { handler as listOnline } from '../http/list-online.ts';
import { handler as listRoomMessages } from '../http/list-room-messages.ts';
import { handler as listRoomOnline } from '../http/list-room-online.ts';
import { handler as postMessages } from '../http/post-messages.ts';
import { handler as putMember } from '../http/put-member.ts';
import { handler as putModeration } from '../http/put-moderation.ts';
import { handler as tickets } from '../http/tickets.ts';
import { handler as updateRoom } from '../http/update-room.ts';
import { dispatchByRoute } from './dispatch.ts';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type RouteFunction = (typeof httpApi.routes)[keyof typeof httpApi.routes];

/** The handler of every function behind an HTTP route; a missing one is a type error. */
const handlers = {
  health,
  tickets,
  createRoom,
  getRoom,
  updateRoom,
  deleteRoom,
  putMember,
  deleteMember,
  listMembers,
  listRoomOnline,
  listRoomMessages,
  getUnread,
  postMessages,
  listOnline,
  listBlocks,
  createUpload,
  getFile,
  getModeration,
  putModeration,
} satisfies Record<RouteFunction, HttpHandler>;

/** What API Gateway answers for a path it has no route for. */
const notFound = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Not Found' }),
});

/**
 * The one function of every HTTP route (`handlers: 'per-api'`): runs the manifest's function
 * for the event's `routeKey` (`METHOD /path`, as the API matched it). A route key this bundle
 * does not know is a stack that disagrees with it, answered 404 as API Gateway answers a path
 * it has no route for.
 */
export const handler = dispatchByRoute<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  RouteFunction
>(httpApi.routes, handlers, (event) => event.routeKey, notFound);
