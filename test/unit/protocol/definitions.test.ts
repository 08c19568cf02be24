import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { clientActions } from '../../../protocol/actions.ts';
import { errorCodes } from '../../../protocol/errors.ts';
import { declarationsOf, parse, tsFilesUnder } from '../../helpers/typescript-sources.ts';

/**
 * The wire contract is written once, in protocol/. These tests read every TypeScript file of the
 * other folders and fail on a second definition of what protocol/ defines: a declaration with
 * the name of one of its exports, or a type that spells out a frame or the error codes itself.
 */
const protocolFiles = tsFilesUnder('protocol');
const otherFiles = ['bin', 'client', 'lambdas', 'lib', 'local', 'test', 'tools', 'web'].flatMap(tsFilesUnder);

/** fields.ts holds building blocks of schemas (`ref`, `data`, `seq`), whose names are everyday words. */
const buildingBlocks = new Set(['protocol/fields.ts']);

const exported = protocolFiles
  .filter((file) => !buildingBlocks.has(file))
  .flatMap((file) => declarationsOf(parse(file)).filter((d) => d.exported && d.topLevel));
const exportedNames = new Map(exported.map((d) => [d.name, d.file]));

const serverFrameTypes = new Set(['message', 'notification', 'event', 'reply', 'error', 'pong']);
const actions = new Set<string>(clientActions);
const codes = new Set<string>(errorCodes);

/** A string literal in a type position, e.g. the `'message'` of `type: 'message'`. */
const literalOf = (node: ts.TypeNode | undefined): string | undefined =>
  node && ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal) ? node.literal.text : undefined;

/** Object types that look like a frame (`type: 'message'`, `action: 'send'`), and error-code literals. */
function frameShapesIn(file: string): string[] {
  const source = parse(file);
  const found: string[] = [];
  const where = (node: ts.Node) =>
    `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isPropertySignature(node) && ts.isIdentifier(node.name)) {
      const literal = literalOf(node.type);
      if (node.name.text === 'type' && literal && serverFrameTypes.has(literal))
        found.push(`${where(node)} declares a '${literal}' frame type`);
      if (node.name.text === 'action' && literal && actions.has(literal))
        found.push(`${where(node)} declares a '${literal}' client frame type`);
    }
    if (ts.isLiteralTypeNode(node)) {
      const literal = literalOf(node);
      if (literal && codes.has(literal)) found.push(`${where(node)} spells out the error code '${literal}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('Protocol: one definition', () => {
  it('finds the exports of protocol/ and the files to check them against', () => {
    expect(otherFiles).toContain('client/client.ts');
    expect(otherFiles).toContain('lambdas/core/ws-route.ts');
    for (const name of ['MessageFrame', 'ErrorCode', 'sendFrame', 'notificationRequest', 'maxAckIds'])
      expect(exportedNames.get(name), name).toBeDefined();
  });

  it('declares no type, schema or limit that protocol/ exports a second time', () => {
    const again = otherFiles
      .flatMap((file) => declarationsOf(parse(file)))
      .filter((d) => exportedNames.has(d.name))
      .map((d) => `${d.file}:${d.line} declares ${d.name} (protocol: ${exportedNames.get(d.name)})`);
    expect(again).toEqual([]);
  });

  it('declares protocol/ exports once inside protocol/ too', () => {
    const names = exported.map((d) => d.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('spells out no frame type and no error-code type outside protocol/', () => {
    expect(otherFiles.flatMap(frameShapesIn)).toEqual([]);
  });
});
