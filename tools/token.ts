import { parseArgs } from 'node:util';
import { localDefaults } from '../local/defaults.ts';
import { signToken } from './sign-token.ts';

/**
 * `npm run token -- alice [--admin] [--ttl 3600]`: prints an HS256 token for the local runtime
 * (or any stack whose JWT_SECRET you hold, passed through the environment).
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { admin: { type: 'boolean', default: false }, ttl: { type: 'string', default: '3600' } },
});
const userId = positionals[0];
if (!userId) {
  process.stderr.write('usage: npm run token -- <userId> [--admin] [--ttl seconds]\n');
  process.exit(2);
}
const token = await signToken(userId, {
  secret: process.env.JWT_SECRET ?? localDefaults.jwtSecret,
  roles: values.admin ? ['admin'] : [],
  expiresInSeconds: Number(values.ttl),
});
process.stdout.write(`${token}\n`);
