/**
 * The protocol's limits (docs/protocol.md, "Limits"): plain numbers, so that the SDK can use
 * them without the schemas. The schemas in this folder are built from them.
 */

/** `ref` on any frame: a client string of at most this many characters. */
export const maxRefLength = 64;

/** `id` on `send` and `publish` (a client idempotency key), and each id of an `ack`. */
export const maxIdLength = 64;

/** The longest `reaction` of `react`, in Unicode code points. */
export const maxReactionLength = 32;

/** User ids are JWT subjects (`auth0|123`, UUIDs, e-mail addresses): any text, bounded. */
export const maxUserIdLength = 128;
/**
 * The alphabet of user ids (JWT `sub`): UUIDs, `provider|id`, e-mail addresses. No `#`, no
 * whitespace or control characters, so a user id can never break a table key or a log line.
 * A literal rather than built from {@link maxUserIdLength}, so that bundlers can drop it when unused.
 */
export const userIdPattern = /^[A-Za-z0-9\-_.@|:+]{1,128}$/;

/** The rule of {@link userIdPattern} in words, as error messages give it. */
export const userIdRule = `1 to ${maxUserIdLength} of A-Z a-z 0-9 - _ . @ | : +`;

/** A ticket or token longer than this (8 KB) is refused before any lookup or verification. */
export const maxCredentialLength = 8192;

/** Room ids end up in table keys and log lines: a short, printable, delimiter-free alphabet. */
export const maxRoomIdLength = 128;
/** A literal rather than built from {@link maxRoomIdLength}, so that bundlers can drop it when unused. */
export const roomIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The rule of {@link roomIdPattern} in words, as error messages give it. */
export const roomIdRule = `1 to ${maxRoomIdLength} of A-Z a-z 0-9 _ . : -`;

/** Message ids in one `ack` frame. */
export const maxAckIds = 100;

/** Largest `limit` of a `sync`. */
export const maxSyncLimit = 500;

/** History pages are bounded so that one reply stays well under API Gateway's 128 KB message. */
export const historyDefaultLimit = 50;
export const historyMaxLimit = 100;

/**
 * API Gateway does not deliver a reply (route response) or a post over 128 KB, so a `history`
 * or `who` page stops before the entry that would take its entries past this size, with `next`
 * continuing from there. 8 KB are left for the rest of the reply frame.
 */
export const gatewayMessageBytes = 128 * 1024;
export const replyPageBytes = 120 * 1024;

/**
 * At most this many messages are pushed by one `join` with `since`: a client that was away for
 * longer gets `complete: false` and pages the rest with `history`.
 */
export const recoveryMax = 1000;

/**
 * A `who` page lists at most this many users (about 80 KB of 128-character ids), and fewer when
 * their JSON would pass {@link replyPageBytes}; `next` names the page that follows.
 */
export const whoPageSize = 500;

/** Default of the server's `MAX_DATA_BYTES`: the largest `data`, serialized, in bytes. */
export const defaultMaxDataBytes = 16 * 1024;

/** API Gateway closes a connection that sends a frame larger than this (32 KB). */
export const gatewayFrameBytes = 32 * 1024;

/** Room names over the HTTP API. */
export const maxRoomNameLength = 200;

/** Largest `maxMembers` of a room; 0 means no limit. */
export const maxMembersLimit = 100_000;

/** HTTP lists are paged: 50 items by default, at most 100, so that a page stays small. */
export const defaultPageSize = 50;
export const maxPageSize = 100;

/** An opaque page cursor, as the server hands it out, is never longer than this. */
export const maxCursorLength = 2048;

/** A user blocks at most this many users: a block list stays one cheap page range to read. */
export const maxBlocks = 1000;

/** Users named by one notification's `target.users`. */
export const notificationMaxUsers = 1000;

/** `from` of a notification (a service name) and its idempotency `id`. */
export const maxServiceNameLength = 64;

/** How long a notification waits in an inbox: 7 days unless `ttlSeconds` says otherwise, at most 14. */
export const notificationDefaultTtlSeconds = 7 * 24 * 3600;
export const notificationMaxTtlSeconds = 14 * 24 * 3600;

/**
 * `data` nests objects and arrays at most this many levels deep (the check is in data-depth.ts);
 * the same bound as DynamoDB's on nested attributes.
 */
export const maxDataDepth = 32;

/**
 * Size of `data` as sent on the wire (UTF-8 JSON), checked against `MAX_DATA_BYTES`. JSON.stringify
 * recurses: call this only on a value that passed the depth check (the `data` schema does it).
 */
export const dataBytes = (data: unknown): number =>
  new TextEncoder().encode(JSON.stringify(data) ?? '').length;

/** Most files one `send` or `publish` attaches. */
export const maxFilesPerMessage = 10;
/** The longest file name `POST /uploads` accepts. */
export const maxFileNameLength = 255;
/** A file id as `POST /uploads` makes them (base64url); anything else is unknown. */
export const fileIdShape = /^[A-Za-z0-9_-]{16,64}$/;
