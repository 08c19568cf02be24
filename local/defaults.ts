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
} as const;
