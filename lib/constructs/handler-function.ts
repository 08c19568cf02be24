import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type Construct, Dependable, type IDependable } from 'constructs';
import type { FunctionName, FunctionSpec } from '../manifest.ts';
import { FunctionRole } from './function-role.ts';

/** The repository root: manifest entries and the lock file are relative to it. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The bundle is ESM (`index.mjs`). Some CommonJS dependencies call `require` for Node built-ins,
 * which an ES module does not have, so the bundle defines one.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __waveletCreateRequire } from 'node:module';" +
  'const require = __waveletCreateRequire(import.meta.url);';

/**
 * How every function is bundled: minified ESM that prefers dependencies' ESM builds (so esbuild
 * can tree-shake them), with source maps that carry only the mappings (smaller bundles).
 * Exported so that a test can build every entry exactly this way in one esbuild run.
 */
export const handlerBundling = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
} as const;

export interface HandlerFunctionProps {
  /** The manifest name of the function; recorded as its description `wavelet:{name}`. */
  readonly name: FunctionName;
  /**
   * The function's (and its role's) description.
   * @default `wavelet:{name}`
   */
  readonly description?: string;
  /** The manifest entry: handler file, timeout, memory. */
  readonly spec: FunctionSpec;
  /**
   * Directory the manifest's `entry` paths are relative to; it must lie inside the repository
   * (esbuild resolves `node_modules` from there). Tests may point it at stubs.
   * @default the repository root
   */
  readonly entryRoot?: string;
  /**
   * Modules left out of the bundle and resolved from the runtime instead. An empty list bundles
   * everything, including the AWS SDK (pinned versions, smaller cold-start module graph after
   * tree-shaking); `['@aws-sdk/*', '@smithy/*']` uses the SDK the runtime ships.
   * @default [] (bundle the AWS SDK; a benchmark decides)
   */
  readonly externalModules?: string[];
  /**
   * Powertools `POWERTOOLS_SERVICE_NAME`.
   * @default 'wavelet'
   */
  readonly serviceName?: string;
  /**
   * Powertools `POWERTOOLS_METRICS_NAMESPACE`.
   * @default 'Wavelet'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools `POWERTOOLS_LOG_LEVEL`.
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key the function's log group is encrypted with.
   * @default the CloudWatch Logs service key
   */
  readonly logEncryptionKey?: IKey;
  /**
   * X-Ray active tracing (`Tracing.ACTIVE`): a trace per invocation with its AWS SDK calls.
   * @default false (`Tracing.DISABLED`)
   */
  readonly tracing?: boolean;
  /**
   * Concurrent executions reserved for (and capped at) this function.
   * @default none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The Lambda runtime of every function. Node.js 22 is the team's fixed choice: the local
 * runtime, the suite and esbuild's target are Node 22; moving to a newer one is its own change.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/**
 * The one place function defaults live: Node.js 22 on arm64, minified ESM bundles with source
 * maps, Powertools settings, an explicit log group, and timeout and memory from the manifest.
 * The function name is left to CDK.
 *
 * @example
 * new HandlerFunction(this, 'Send', { name: 'send', spec: functions.send });
 */
export class HandlerFunction extends NodejsFunction {
  /** The manifest name of this function. */
  public readonly manifestName: FunctionName;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    const reserved = props.reservedConcurrentExecutions;
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
      throw new Error(
        `Reserved concurrency of '${props.name}' must be a whole number 0 or more, not ${reserved}`,
      );
    }
    super(scope, id, {
      entry: path.resolve(props.entryRoot ?? REPO_ROOT, props.spec.entry),
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: props.description ?? `wavelet:${props.name}`,
      runtime: LAMBDA_RUNTIME,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      reservedConcurrentExecutions: reserved,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(props.spec.timeoutSeconds ?? 10),
      memorySize: props.spec.memoryMb ?? 256,
      logGroup,
      role: new FunctionRole(scope, `${id}Role`, {
        logGroup,
        description: props.description ?? `wavelet:${props.name}`,
      }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'wavelet',
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'Wavelet',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        ...handlerBundling,
        mainFields: [...handlerBundling.mainFields],
        externalModules: props.externalModules ?? [],
      },
    });
    this.manifestName = props.name;
    this.dropRedundantRoleDependency();
    this.acknowledgeRuntime(props.tracing ?? false);
  }

  /**
   * CDK makes every function depend on its role, which the function already references
   * (`Fn::GetAtt Role.Arn`), so cfn-lint flags the `DependsOn` as redundant (W3005). The role's
   * policies are not referenced and must exist before the function runs (an event source
   * mapping checks its permissions when created), so the dependency on them is kept.
   */
  private dropRedundantRoleDependency(): void {
    const resource = this.node.defaultChild as CfnResource;
    const role = this.role;
    if (!role) return;
    resource.node.removeDependency(role);
    const policies: IDependable = {};
    Dependable.implement(policies, {
      // Read at synthesis, when every grant has added its statements.
      get dependencyRoots() {
        return role.node.children.filter((child) => child !== role.node.defaultChild);
      },
    });
    resource.node.addDependency(policies);
  }

  private acknowledgeRuntime(tracing: boolean): void {
    const reason = `${this.manifestName} runs nodejs22.x, not the newest runtime cdk-nag knows (nodejs24.x): Node 22 is the team's fixed choice, the one the local runtime, the suite and the bundles' esbuild target use; a runtime upgrade is a change of its own`;
    Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason });
    Validations.of(this).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason });
    // With tracing on, X-Ray's `*` is acknowledged on the role's policy (FunctionRole), once checked.
    if (!tracing) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason: `X-Ray tracing of ${this.manifestName} is off by default (traces cost per sampled request and most teams read the EMF metrics and logs first); -c tracing=true turns it on for every function`,
      });
    }
  }
}
