import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command line a tool cannot run with; its message is one line, for stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What every tool says about itself: its npm script name and its `--help` text. */
export interface ToolUsage {
  /** The npm script, e.g. `token` for `npm run token`. */
  readonly name: string;
  /** Printed on stdout by `--help`; ends with a newline. */
  readonly usage: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs, strict, with `-h`/`--help` added and its errors turned into one-line
 * {@link UsageError}s (`unknown option --x`, `unexpected argument y`).
 *
 * @example
 * const { values, positionals } = parseCommandLine(argv, { ttl: { type: 'string' } }, { positionals: true });
 */
export function parseCommandLine<O extends Options>(
  argv: readonly string[],
  options: O,
  settings: { readonly positionals?: boolean } = {},
) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & {
        help: { type: 'boolean'; short: 'h' };
      },
      allowPositionals: settings.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted}`;
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${quoted}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(error.message)
      ? `option ${quoted.split(' ')[0]} needs a value`
      : `option ${quoted.split(' ')[0]} takes no value`;
  }
  return error.message;
}

/**
 * Runs a tool's parser: with `help` set, prints the usage on stdout and exits 0; on a
 * {@link UsageError}, prints one line on stderr and exits 2. Any other error is a bug and is
 * rethrown.
 */
export function readCommandLine<R extends { readonly help?: boolean }>(tool: ToolUsage, parse: () => R): R {
  let parsed: R;
  try {
    parsed = parse();
  } catch (error) {
    if (error instanceof UsageError) exitWithUsageError(tool, error.message);
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(tool.usage);
    process.exit(0);
  }
  return parsed;
}

/** Writes `name: message (npm run name -- --help for usage)` on stderr and exits 2. */
export function exitWithUsageError(tool: ToolUsage, message: string): never {
  process.stderr.write(`${tool.name}: ${message} (npm run ${tool.name} -- --help for usage)\n`);
  process.exit(2);
}

/** A whole number of at least `min`, from an option or variable called `name`; else a UsageError. */
export function wholeNumber(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${name} must be a whole number of ${min} or more, not "${text}"`);
  }
  return value;
}
