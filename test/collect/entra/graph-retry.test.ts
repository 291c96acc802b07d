import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, GraphResponseError } from '../../../src/collect/entra/graph-client.js';
import { type FakeGraph, FakeGraphCredential, startFakeGraph } from '../../support/fake-graph.js';
import { syntheticDirectory } from '../../support/fake-graph-directory.js';
import { trustTestCertificate } from '../../support/https-server.js';

let fake: FakeGraph | undefined;
const waits: number[] = [];

beforeAll(() => trustTestCertificate());

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  waits.length = 0;
});

async function client(credential = new FakeGraphCredential({ roles: ['Directory.Read.All'] })) {
  fake = await startFakeGraph({ directory: syntheticDirectory(), pageSize: 5 });
  const graph = createGraphClient({ credential, graphEndpoint: fake.url, sleep: async (ms) => void waits.push(ms) });
  return { graph, fake, usersUrl: graph.url('/users', '$top=999') };
}

describe('Graph retries', () => {
  it('waits what Retry-After says on a 429, then reads the page', async () => {
    const { graph, fake, usersUrl } = await client();
    fake.state.faults.push({ path: '/v1.0/users', status: 429, retryAfterSeconds: 7 });
    const page = await graph.getPage(usersUrl);

    expect(page.items).toHaveLength(5);
    expect(waits).toEqual([7000]);
    expect(fake.calls.map((call) => call.status)).toEqual([429, 200]);
  });

  it('backs off exponentially on a 429 without Retry-After, which the SDK would hand back', async () => {
    const { graph, fake, usersUrl } = await client();
    fake.state.faults.push({ path: '/v1.0/users', status: 429, times: 3 });
    await graph.getPage(usersUrl);

    expect(waits).toHaveLength(3);
    waits.forEach((wait, attempt) => {
      expect(wait).toBeGreaterThanOrEqual(1000 * 2 ** attempt * 0.8);
      expect(wait).toBeLessThanOrEqual(1000 * 2 ** attempt * 1.2);
    });
  });

  it('retries a 503, honouring its Retry-After when there is one', async () => {
    const { graph, fake, usersUrl } = await client();
    fake.state.faults.push({ path: '/v1.0/users', status: 503, retryAfterSeconds: 2 }, { path: '/v1.0/users', status: 503 });
    const page = await graph.getPage(usersUrl);

    expect(page.items).toHaveLength(5);
    expect(waits[0]).toBe(2000);
    // The second attempt backs off from 2 s (1 s doubled once), give or take the jitter.
    expect(waits[1]).toBeGreaterThanOrEqual(1600);
    expect(waits[1]).toBeLessThanOrEqual(2400);
    expect(fake.calls.map((call) => call.status)).toEqual([503, 503, 200]);
  });

  it('gives up after six retries with Graph\'s answer', async () => {
    const { graph, fake, usersUrl } = await client();
    fake.state.faults.push({ path: '/v1.0/users', status: 429, times: Infinity });
    const failure = await graph.getPage(usersUrl).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GraphResponseError);
    expect(failure).toMatchObject({ status: 429, code: 'TooManyRequests', target: '/v1.0/users?$top=999' });
    expect(fake.calls).toHaveLength(7);
  });

  it('does not retry a refusal', async () => {
    const { graph, fake } = await client(new FakeGraphCredential({ roles: ['User.Read.All'] }));
    await expect(graph.getPage(graph.url('/groups', ''))).rejects.toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(fake.calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('signs every attempt with the credential\'s current token', async () => {
    const { graph, fake, usersUrl } = await client(new FakeGraphCredential({ roles: ['Directory.Read.All'], reportExpiresInMs: 0 }));
    fake.state.faults.push({ path: '/v1.0/users', status: 429, times: 2 });
    await graph.getPage(usersUrl);

    expect(new Set(fake.calls.map((call) => call.tokenId)).size).toBe(3);
  });
});
