import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, ForeignLinkError, GraphResponseError, TokenAcquisitionError } from '../../../src/collect/entra/graph-client.js';
import { FakeGraphCredential, startFakeGraph } from '../../support/fake-graph.js';
import { syntheticDirectory } from '../../support/fake-graph-directory.js';
import { type RunningHttpsServer, sendJson, startHttpsServer, trustTestCertificate } from '../../support/https-server.js';

const closers: Array<() => Promise<void>> = [];
const noWait = async (): Promise<void> => undefined;

beforeAll(() => trustTestCertificate());

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(handler: Parameters<typeof startHttpsServer>[0]): Promise<RunningHttpsServer> {
  const server = await startHttpsServer(handler);
  closers.push(() => server.close());
  return server;
}

describe('createGraphClient', () => {
  it('adds the caller\'s policies: per call once a page, per retry once an attempt', async () => {
    const fake = await startFakeGraph({ directory: syntheticDirectory(), pageSize: 5 });
    closers.push(() => fake.close());
    fake.state.faults.push({ path: '/v1.0/users', status: 503 });
    const seen = { perCall: 0, perRetry: 0 };
    const counting = (key: keyof typeof seen): PipelinePolicy => ({ name: `count-${key}`, sendRequest: (request, next) => ((seen[key] += 1), next(request)) });
    const graph = createGraphClient({
      credential: new FakeGraphCredential({ roles: ['User.Read.All'] }),
      graphEndpoint: fake.url,
      sleep: noWait,
      additionalPolicies: [
        { policy: counting('perCall'), position: 'perCall' },
        { policy: counting('perRetry'), position: 'perRetry' },
      ],
    });
    await graph.getPage(graph.url('/users', ''));

    expect(seen).toEqual({ perCall: 1, perRetry: 2 });
  });

  it('follows a nextLink on Graph\'s host only, never sending the token elsewhere', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 200, { '@odata.context': 'x', value: [{ id: '1' }], '@odata.nextLink': `https://localhost:${server.port}/v1.0/users?$skiptoken=abc` }),
    );
    const graph = createGraphClient({ credential: new FakeGraphCredential(), graphEndpoint: server.url, sleep: noWait });
    const page = await graph.getPage(graph.url('/users', ''));

    await expect(graph.getPage(page.nextLink as string)).rejects.toThrow(
      new ForeignLinkError(`a nextLink leads from ${server.url} to https://localhost:${server.port}, where reachgraph does not send the Graph token`),
    );
    expect(server.requests).toEqual(['GET /v1.0/users']);
  });

  it('tells Graph\'s error code and message apart from an answer that is not a list', async () => {
    const server = await serve((request, response) =>
      request.url?.startsWith('/v1.0/users')
        ? sendJson(response, 400, { error: { code: 'Request_UnsupportedQuery', message: 'Unsupported query.', innerError: { 'request-id': 'r' } } })
        : sendJson(response, 200, { items: [] }),
    );
    const graph = createGraphClient({ credential: new FakeGraphCredential(), graphEndpoint: `${server.url}/`, sleep: noWait });

    await expect(graph.getPage(graph.url('/users', '$select=id'))).rejects.toThrow('GET /v1.0/users?$select=id answered 400 Request_UnsupportedQuery: Unsupported query.');
    await expect(graph.getPage(graph.url('/groups', ''))).rejects.toThrow(new GraphResponseError(200, undefined, 'the answer is not a Graph list (no "value" array)', '/v1.0/groups'));
  });

  it('says when the credential could not give a token, and when Graph cannot be reached', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, { value: [] }));
    const failing = { getToken: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.')) };
    const graph = createGraphClient({ credential: failing, graphEndpoint: server.url, sleep: noWait });
    const tokenFailure = await graph.getPage(graph.url('/users', '')).catch((error: unknown) => error);
    expect(tokenFailure).toBeInstanceOf(TokenAcquisitionError);
    expect((tokenFailure as Error).message).toBe(`could not get an access token for ${server.url}/.default: AADSTS7000215: Invalid client secret provided.`);

    const closed = server.url;
    await server.close();
    const unreachable = createGraphClient({ credential: new FakeGraphCredential(), graphEndpoint: closed, sleep: noWait });
    await expect(unreachable.getPage(unreachable.url('/users', ''))).rejects.toMatchObject({ name: 'GraphTransportError', code: 'ECONNREFUSED' });
  });
});
