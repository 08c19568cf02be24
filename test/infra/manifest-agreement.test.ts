import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, httpApi, queues, websocketApi } from '../../lib/manifest.ts';
import { type FoundFunction, functionsByName, onlyLogicalId, render, synthStack } from '../helpers/synth.ts';

let template: Template;
let byName: Map<string, FoundFunction>;

// Without bundling: the wiring is what is compared here; messaging-stack.test.ts builds the code.
beforeAll(() => {
  template = synthStack();
  byName = functionsByName(template);
}, 60_000);

/** Manifest function name behind each route of one API, following route, integration, function. */
function routedFunctions(apiProtocol: 'WEBSOCKET' | 'HTTP'): Record<string, string | undefined> {
  const apiId = onlyLogicalId(template, 'AWS::ApiGatewayV2::Api', { ProtocolType: apiProtocol });
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
  const nameByLogicalId = new Map([...byName].map(([name, fn]) => [fn.logicalId, name]));
  const routed: Record<string, string | undefined> = {};
  for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
    if (route.Properties.ApiId.Ref !== apiId) continue;
    const integrationId = render(route.Properties.Target).match(/^integrations\/\$\{(\w+)\}$/)?.[1] ?? '';
    const uri = render(integrations[integrationId]?.Properties.IntegrationUri);
    const functionId = uri.match(/\$\{(\w+)\.Arn\}/)?.[1] ?? '';
    routed[route.Properties.RouteKey] = nameByLogicalId.get(functionId);
  }
  return routed;
}

describe('Template: agrees with the manifest', () => {
  it('holds exactly one function per manifest function', () => {
    template.resourceCountIs('AWS::Lambda::Function', Object.keys(functions).length);
    expect([...byName.keys()].sort()).toEqual(Object.keys(functions).sort());
  });

  it('routes every WebSocket route key, and no other, to its manifest function', () => {
    expect(routedFunctions('WEBSOCKET')).toEqual(websocketApi.routes);
  });

  it('routes every HTTP route key, and no other, to its manifest function', () => {
    expect(routedFunctions('HTTP')).toEqual(httpApi.routes);
  });

  it('has as many routes as the two APIs of the manifest declare', () => {
    template.resourceCountIs(
      'AWS::ApiGatewayV2::Route',
      Object.keys(websocketApi.routes).length + Object.keys(httpApi.routes).length,
    );
  });

  it('authorizes $connect with the manifest authorizer function', () => {
    const authorizer = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    const functionId = byName.get(websocketApi.authorizer.function)?.logicalId;
    expect(render(authorizer?.Properties.AuthorizerUri)).toContain(`\${${functionId}.Arn}`);
  });

  it('maps every queue to its manifest consumer', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const outputs = template.findOutputs('*');
    const queueIds: Record<string, string> = {
      deliveries: outputs.DeliveriesQueueUrl?.Value.Ref,
      notifications: outputs.NotificationsQueueUrl?.Value.Ref,
      eventRetries: outputs.EventRetriesQueueUrl?.Value.Ref,
      inboxChecks: outputs.InboxChecksQueueUrl?.Value.Ref,
    };
    expect(Object.keys(queueIds).sort()).toEqual(Object.keys(queues).sort());
    for (const [name, spec] of Object.entries(queues)) {
      const mapping = mappings.find(
        (m) => render(m.Properties.EventSourceArn) === `\${${queueIds[name]}.Arn}`,
      );
      expect(mapping?.Properties.FunctionName, name).toEqual({ Ref: byName.get(spec.consumer)?.logicalId });
    }
  });
});
