/** The verdict of an authorizer's IAM policy on one `methodArn`. */
export type PolicyVerdict = 'allow' | 'deny';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/**
 * Evaluates a policy document as IAM does for `execute-api:Invoke` on `methodArn`: an explicit
 * Deny wins, otherwise a matching Allow is needed. Returns `undefined` when the document is
 * malformed (API Gateway then answers 500).
 */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyVerdict | undefined {
  if (!policyDocument || typeof policyDocument !== 'object') return undefined;
  const raw = (policyDocument as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Statement[];
  if (statements.length === 0) return undefined;
  let allowed = false;
  for (const statement of statements) {
    if (!statement || typeof statement !== 'object') return undefined;
    const effect = String(statement.Effect ?? '').toLowerCase();
    if (effect !== 'allow' && effect !== 'deny') return undefined;
    if (!matchesAny(statement.Action, 'execute-api:Invoke') || !matchesAny(statement.Resource, methodArn))
      continue;
    if (effect === 'deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}

function matchesAny(patterns: unknown, value: string): boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  return list.some((p) => typeof p === 'string' && wildcardMatch(p, value));
}

// IAM wildcards: `*` any run of characters, `?` one character; actions compare case-insensitively
// but resources do not, and an ARN never contains either wildcard, so one rule serves both here.
function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, /^execute-api:/i.test(pattern) ? 'i' : '').test(value);
}
