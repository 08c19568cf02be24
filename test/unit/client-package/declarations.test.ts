import { describe, expect, it } from 'vitest';
import { packageImports, rewriteTsSpecifiers } from '../../../tools/client-package/declarations.ts';

describe('Function: rewriteTsSpecifiers', () => {
  it('rewrites relative .ts specifiers of imports, exports and import types to .js', () => {
    const declarations = [
      "import type { ServerErrorCode } from '../protocol/error-codes.ts';",
      'export { WaveletClient } from "./client.ts";',
      "export declare const page: import('./frames.ts').HistoryPage;",
    ].join('\n');
    expect(rewriteTsSpecifiers(declarations)).toBe(
      [
        "import type { ServerErrorCode } from '../protocol/error-codes.js';",
        'export { WaveletClient } from "./client.js";',
        "export declare const page: import('./frames.js').HistoryPage;",
      ].join('\n'),
    );
  });

  it('leaves package specifiers and .js specifiers alone', () => {
    const declarations = "import type { z } from 'zod';\nexport * from './already.js';";
    expect(rewriteTsSpecifiers(declarations)).toBe(declarations);
  });
});

describe('Function: packageImports', () => {
  it('finds the packages a declaration file imports, and ignores examples in comments', () => {
    const declarations = [
      '/**',
      " * import WebSocket from 'ws';",
      ' */',
      "import type { z } from 'zod';",
      "export type { Frame } from '../protocol/frames.js';",
      "export declare const x: import('@scope/pkg').T;",
    ].join('\n');
    expect(packageImports(declarations)).toEqual(['zod', '@scope/pkg']);
  });
});
