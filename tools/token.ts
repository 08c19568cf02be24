import { localDefaults } from '../local/defaults.ts';
import { parseCommandLine, readCommandLine, UsageError, wholeNumber } from './cli-args.ts';
import { signToken } from './sign-token.ts';

const tool = {
  name: 'token',
  usage: `npm run token -- <userId> [options]

Prints an HS256 token for <userId>, signed with JWT_SECRET (else the local development
secret), for the local runtime or any stack whose JWT_SECRET you hold.

  --admin          add the admin role
  --ttl SECONDS    lifetime of the token                        (3600)
  -h, --help       print this help
`,
};

/** `npm run token -- alice [--admin] [--ttl 3600]`: prints a token on stdout. */
const { userId, admin, ttlSeconds } = readCommandLine(tool, () => {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    { admin: { type: 'boolean' }, ttl: { type: 'string' } },
    { positionals: true },
  );
  if (values.help) return { help: true, userId: '', admin: false, ttlSeconds: 0 };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'a user id is needed'
        : `one user id, not ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return {
    userId: positionals[0] as string,
    admin: values.admin ?? false,
    ttlSeconds: wholeNumber('--ttl', values.ttl ?? '3600'),
  };
});
const token = await signToken(userId, {
  secret: process.env.JWT_SECRET ?? localDefaults.jwtSecret,
  roles: admin ? ['admin'] : [],
  expiresInSeconds: ttlSeconds,
});
process.stdout.write(`${token}\n`);
