/**
 * Function configuration for the fuzz tests: the fuzzers send thousands of frames and requests
 * a second from a handful of users, which the abuse limits would rightly refuse; these tests
 * are about what each input gets, so the limits are raised out of the way.
 */
export const fuzzEnv: Readonly<Record<string, string>> = {
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  INBOX_MAX_PER_SENDER: '1000000',
  // The abuse limits of issue 11 (sec-abuse): the per-user frame budget and the HTTP caps.
  FRAME_BUDGET_PER_SECOND: '1000000',
  TICKETS_PER_MINUTE: '1000000',
  ROOMS_PER_MINUTE: '1000000',
};
