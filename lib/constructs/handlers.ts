import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type FunctionName, functions } from '../manifest.ts';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.ts';

/** Defaults shared by every function; see {@link HandlerFunctionProps}. */
export type HandlerDefaults = Omit<HandlerFunctionProps, 'name' | 'spec' | 'logRemovalPolicy'>;

export interface HandlersProps extends HandlerDefaults {
  /**
   * What happens to the functions' log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * One {@link HandlerFunction} per function of the manifest, keyed by manifest name. Construct
 * ids are the PascalCase manifest names, so logical ids read like the manifest.
 */
export class Handlers extends Construct {
  /** Every function of the manifest, by manifest name. */
  public readonly functions: Readonly<Record<FunctionName, HandlerFunction>>;

  constructor(scope: Construct, id: string, props: HandlersProps = {}) {
    super(scope, id);
    const created = {} as Record<FunctionName, HandlerFunction>;
    for (const [name, spec] of Object.entries(functions) as [
      FunctionName,
      (typeof functions)[FunctionName],
    ][]) {
      created[name] = new HandlerFunction(this, pascalCase(name), { ...props, name, spec });
    }
    this.functions = created;
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
