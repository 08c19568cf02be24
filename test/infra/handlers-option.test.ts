import { beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions, mergedSpec } from '../../lib/constructs/per-api.ts';
import { type FunctionName, functions, httpApi, websocketApi } from '../../lib/manifest.ts';
import { runCdkApp } from '../helpers/cdk-app.ts';
import {
  actionsOf,
  type FoundFunction,
  functionsByName,
  type Json,
  statementsOf,
  synthDefaultStack,
  synthStack,
} from '../helpers/synth.ts';

type Template = ReturnType<typeof synthStack>;

/** The logical id of the function each route of `apiType` integrates, by route key. */
function routeTargets(template: Template, apiRef: (props: Json) => boolean): Map<string, string> {
  const resources: Record<string, { Type: string; Properties: Json }> = template.toJSON().Resources;
  const targets = new Map<string, string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Route' || !apiRef(resource.Properties)) continue;
    const integrationId: string = resource.Properties.Target['Fn::Join'][1][1].Ref;
    const uri = JSON.stringify(resources[integrationId]?.Properties.IntegrationUri);
    const fnId = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(uri)?.[1];
    targets.set(resource.Properties.RouteKey, fnId ?? '');
  }
  return targets;
}

const isWebSocket = (props: Json) => JSON.stringify(props.ApiId).includes('WebSocket');

/** Every `dynamodb:{action}` on a leading key the function's role allows, as `action key`. */
function itemPairs(template: Template, fn: FoundFunction): Set<string> {
  const pairs = new Set<string>();
  for (const statement of statementsOf(template, fn)) {
    const leading: string[] | undefined =
      statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    if (!leading) continue;
    for (const action of actionsOf(statement)) for (const key of leading) pairs.add(`${action} ${key}`);
  }
  return pairs;
}

/** The same pairs as the manifest grants them to `names` together. */
function expectedPairs(names: readonly FunctionName[]): Set<string> {
  const pairs = new Set<string>();
  for (const name of names) {
    for (const grant of functions[name].items ?? []) {
      for (const action of grant.actions)
        for (const key of grant.keys) pairs.add(`dynamodb:${action} ${key}`);
    }
  }
  return pairs;
}

const [webSocketRoutes, httpRoutes] = apiFunctions();

describe('Option: handlers', { timeout: 120_000 }, () => {
  let perApi: Template;
  let byName: Map<string, FoundFunction>;
  beforeAll(() => {
    perApi = synthStack({ handlerLayout: 'per-api' });
    byName = functionsByName(perApi);
  });

  it('creates one function per manifest function by default', () => {
    const names = [...functionsByName(synthDefaultStack()).keys()].sort();
    expect(names).toEqual(Object.keys(functions).sort());
  });

  it('creates one function per API, keeping the authorizer, consumers and sweeper apart, with per-api', () => {
    expect([...byName.keys()].sort()).toEqual(
      [
        'HttpRoutes',
        'WebSocketRoutes',
        'authorizer',
        'checkInbox',
        'deliver',
        'notify',
        'retryEvents',
        'sweep',
      ].sort(),
    );
  });

  it('wires every WebSocket route to the WebSocket function and the authorizer to its own', () => {
    const wsId = byName.get('WebSocketRoutes')?.logicalId;
    const targets = routeTargets(perApi, isWebSocket);
    expect([...targets.keys()].sort()).toEqual(Object.keys(websocketApi.routes).sort());
    for (const [route, fnId] of targets) expect(fnId, route).toBe(wsId);
    const [authorizer] = Object.values(perApi.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain(
      byName.get('authorizer')?.logicalId,
    );
  });

  it('wires every HTTP route to the HTTP function', () => {
    const httpId = byName.get('HttpRoutes')?.logicalId;
    const targets = routeTargets(perApi, (props) => !isWebSocket(props));
    expect([...targets.keys()].sort()).toEqual(Object.keys(httpApi.routes).sort());
    for (const [route, fnId] of targets) expect(fnId, route).toBe(httpId);
  });

  it('grants each API function exactly the union of its routes item grants', () => {
    for (const api of [webSocketRoutes, httpRoutes]) {
      if (!api) throw new Error('apiFunctions() lost an API');
      const fn = byName.get(api.id);
      if (!fn) throw new Error(`${api.id} was not synthesized`);
      expect([...itemPairs(perApi, fn)].sort(), api.id).toEqual([...expectedPairs(api.serves)].sort());
    }
  });

  it('grants the index queries, queues, management API and secret any of its routes uses', () => {
    const fn = byName.get('WebSocketRoutes');
    if (!fn) throw new Error('WebSocketRoutes was not synthesized');
    const actions = statementsOf(perApi, fn).flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'sqs:SendMessage', 'execute-api:ManageConnections']),
    );
    expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('sets the env vars of every resource its routes use, with the longest timeout and largest memory', () => {
    const fn = byName.get('WebSocketRoutes');
    const spec = mergedSpec(webSocketRoutes?.entry ?? '', webSocketRoutes?.serves ?? []);
    expect(Object.keys(fn?.properties.Environment.Variables ?? {})).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'DELIVERIES_QUEUE_URL',
        'MANAGEMENT_ENDPOINT',
        'JWT_SECRET_ARN',
        'STAGE',
      ]),
    );
    expect(fn?.properties.Timeout).toBe(29);
    expect(fn?.properties.Timeout).toBe(spec.timeoutSeconds);
    expect(fn?.properties.MemorySize).toBe(spec.memoryMb);
  });

  it('leaves the queue consumers and the sweeper as they are per-route', () => {
    const perRoute = functionsByName(synthDefaultStack());
    for (const name of ['deliver', 'notify', 'sweep']) {
      expect(byName.get(name)?.properties.Environment, name).toEqual(
        perRoute.get(name)?.properties.Environment,
      );
      expect(byName.get(name)?.properties.Timeout, name).toBe(perRoute.get(name)?.properties.Timeout);
    }
  });

  it('refuses a layout it does not know', () => {
    expect(() => synthStack({ handlerLayout: 'per-user' as never })).toThrow(/per-route' or 'per-api/);
  });

  it('takes the layout from -c handlers in the app, and refuses any other value', async () => {
    const [accepted, refused] = await Promise.all([
      runCdkApp({ handlers: 'per-api' }),
      runCdkApp({ handlers: 'per-user' }),
    ]);
    expect(accepted.status).toBe(0);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Context handlers must be per-route or per-api, not 'per-user'/);
  });
});
