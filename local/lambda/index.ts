export { createContext } from './lambda-context.ts';
export {
  FunctionTimeoutError,
  type LoadFunctionOptions,
  type LocalFunction,
  loadFunction,
} from './load-function.ts';
