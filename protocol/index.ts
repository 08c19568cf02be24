/**
 * The wire contract as code (docs/protocol.md): frame schemas and types, reply results, error
 * codes, limits, the notifications queue record and the HTTP API's bodies. No Node or AWS
 * imports, so the handlers, the SDK, the local runtime, the chat page and the tools share it.
 *
 * This barrel is for server-side code and tools. Browser code (the SDK, the chat page) imports
 * the type-only files directly, with `import type` for anything from a file that holds schemas,
 * so that zod never reaches its bundle.
 */
export * from './actions.ts';
export * from './client-frames.ts';
export * from './data-depth.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './http-requests.ts';
export * from './http-responses.ts';
export * from './issues.ts';
export * from './limits.ts';
export * from './notification.ts';
export * from './results.ts';
export * from './server-frames.ts';
