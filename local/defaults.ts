/**
 * Local development defaults, printed on start. The secret is public on purpose: it signs
 * development tokens only, and a deployed stack takes its secret from Secrets Manager or JWKS.
 */
export const localDefaults = {
  wsPort: 8080,
  httpPort: 8081,
  host: '127.0.0.1',
  stage: 'local',
  jwtSecret: 'wavelet-local-development-secret',
  region: 'us-east-1',
  tablePrefix: 'wavelet-local',
  /**
   * V8 grows the heap of the runtime's processes by this percentage over what survived a full
   * collection, instead of its own factor (up to 100% and more on a busy process): at 10,000
   * idle connections the runtime holds about 210 MB instead of about 350 MB, for a few more major
   * collections. 0 leaves V8's own factor.
   */
  heapGrowingPercent: 20,
} as const;
