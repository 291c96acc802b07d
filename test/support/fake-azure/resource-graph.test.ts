import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_SECRET, type FakeAzureState, managementGroupId, type RunningFakeAzure, startFakeAzure, stateFromSnapshot, syntheticState } from './index.js';
import { armOptions, failureOf, raw, recorder, secretCredential } from './sdk-harness.js';

const PROD = '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const HUB = '4e1a7c3b-92d5-4f08-b6e1-0c9d8a7f2e35';

type Rows = Array<Record<string, unknown>>;

describe('fake Resource Graph', () => {
  let azure: RunningFakeAzure;
  let client: ResourceGraphClient;
  let log: ReturnType<typeof recorder>;
  let pristine: FakeAzureState;

  beforeAll(async () => {
    azure = await startFakeAzure(await stateFromSnapshot('examples/contoso'));
    azure.state.quota = { perWindow: 1000, windowMs: 5000 };
    pristine = structuredClone({ ...azure.state, clusters: [] });
    log = recorder();
    client = new ResourceGraphClient(secretCredential(azure), armOptions(azure, log.policy));
  });
  beforeEach(() => {
    azure.state.quota = { ...pristine.quota };
    azure.state.roleAssignments = structuredClone(pristine.roleAssignments);
    azure.state.refuseResourceGraphAt = [];
    azure.state.faults = [];
  });
  afterAll(() => azure.close());

  async function everyPage(query: string, scope: { subscriptions?: string[]; managementGroups?: string[] }, options: Record<string, unknown> = {}): Promise<{ rows: Rows; pages: number }> {
    const rows: Rows = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.resources({ ...scope, query, options: { resultFormat: 'objectArray', ...options, ...(skipToken ? { skipToken } : {}) } });
      rows.push(...(page.data as Rows));
      expect(page.resultTruncated).toBe('false');
      skipToken = page.skipToken;
      pages += 1;
    } while (skipToken);
    return { rows, pages };
  }

  it('pages through $skipToken when id is among the columns, with the quota headers on every answer', async () => {
    const full = await client.resources({ subscriptions: [PROD, HUB], query: 'Resources | order by id asc', options: { top: 1000 } });
    const { rows, pages } = await everyPage('Resources | order by id asc', { subscriptions: [PROD, HUB] }, { top: 7 });
    expect(full.totalRecords).toBeGreaterThan(40);
    expect(pages).toBe(Math.ceil(Number(full.totalRecords) / 7));
    expect(rows.map((row) => row.id)).toEqual((full.data as Rows).map((row) => row.id));
    expect(rows.map((row) => String(row.id))).toEqual(rows.map((row) => String(row.id)).sort());
    const answers = log.answers.filter((answer) => answer.url.includes('Microsoft.ResourceGraph'));
    expect(answers.every((answer) => /^\d+$/.test(answer.headers['x-ms-user-quota-remaining'] ?? '') && /^\d\d:\d\d:\d\d(\.\d{7})?$/.test(answer.headers['x-ms-user-quota-resets-after'] ?? ''))).toBe(true);
    expect(answers[0]?.url).toMatch(/\/providers\/Microsoft\.ResourceGraph\/resources\?api-version=2024-04-01$/);
  });

  it('answers Resource Graph rows: lowercased type and resource group, subscription and tenant columns', async () => {
    const page = await client.resources({ subscriptions: [PROD], query: "Resources | where type =~ 'Microsoft.ContainerService/managedClusters' | order by id asc" });
    expect((page.data as Rows).map((row) => [row.name, row.type, row.resourceGroup, row.subscriptionId, row.tenantId])).toEqual([
      ['aks-internal', 'microsoft.containerservice/managedclusters', 'rg-prod-aks', PROD, azure.state.tenant.id],
      ['aks-prod', 'microsoft.containerservice/managedclusters', 'rg-prod-aks', PROD, azure.state.tenant.id],
    ]);
  });

  it('truncates without a skip token when id is not projected', async () => {
    const page = await client.resources({ subscriptions: [PROD], query: 'Resources | project name, type', options: { top: 5 } });
    expect(page).toMatchObject({ count: 5, resultTruncated: 'true', skipToken: undefined });
    expect(Object.keys((page.data as Rows)[0] ?? {})).toEqual(['name', 'type']);
  });

  it('evaluates the filters a collector sends, in objectArray or table form', async () => {
    const page = await client.resources({
      managementGroups: [azure.state.tenant.id],
      query: `ResourceContainers | where type in~ ('microsoft.resources/subscriptions') and subscriptionId in~ ('${HUB.toUpperCase()}') | project id, name, properties`,
      options: { resultFormat: 'table' },
    });
    expect(page.data).toMatchObject({ columns: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'properties', type: 'object' }], rows: [[`/subscriptions/${HUB}`, 'contoso-connectivity', expect.objectContaining({ state: 'Enabled' })]] });
    const groups = await client.resources({ subscriptions: [PROD], query: "ResourceContainers | where type == 'microsoft.resources/subscriptions/resourcegroups' | order by name asc | project id, name" });
    expect((groups.data as Rows).map((row) => row.name)).toEqual(['MC_rg-prod-aks_aks-internal_westeurope', 'MC_rg-prod-aks_aks-prod_westeurope', 'rg-prod-aks', 'rg-prod-data', 'rg-prod-web']);
  });

  it('refuses what it cannot evaluate with Resource Graph\'s 400', async () => {
    const failure = await failureOf(client.resources({ query: 'Resources | summarize count() by type' }));
    expect(failure).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(failure.details?.error?.details?.map((detail) => detail.code)).toEqual(['InvalidQuery', 'UnsupportedByFake']);
    await expect(client.resources({ query: 'Resources | where Type =~ "x"' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.resources({ query: 'Resources', options: { top: 1001 } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('covers every subscription under a management group, and refuses one the state marks', async () => {
    const byGroup = await client.resources({ managementGroups: [azure.state.tenant.id], query: "ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project id" });
    expect((byGroup.data as Rows).map((row) => row.id)).toEqual([`/subscriptions/${HUB}`, `/subscriptions/${PROD}`]);
    const platform = await client.resources({ managementGroups: ['mg-contoso-platform'], query: 'Resources | project subscriptionId' , options: { top: 1000 } });
    expect(new Set((platform.data as Rows).map((row) => row.subscriptionId))).toEqual(new Set([HUB]));
    azure.state.refuseResourceGraphAt = [azure.state.tenant.id];
    const refused = await failureOf(client.resources({ managementGroups: [azure.state.tenant.id], query: 'Resources' }));
    expect(refused).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(refused.message).toBe(
      `The client '${azure.state.app.clientId}' with object id '${azure.state.app.objectId}' does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '${managementGroupId(azure.state.tenant.id)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  });

  it('refuses a subscription the app has no role in, and leaves it out of tenant-wide queries', async () => {
    azure.state.roleAssignments = azure.state.roleAssignments.map((assignment) => (assignment.principalId === azure.state.app.objectId ? { ...assignment, scope: managementGroupId('mg-contoso-landingzones') } : assignment));
    await expect(client.resources({ subscriptions: [HUB], query: 'Resources' })).rejects.toMatchObject({ statusCode: 403, code: 'AccessDenied' });
    const tenantWide = await client.resources({ query: 'Resources | project subscriptionId', options: { top: 1000 } });
    expect(new Set((tenantWide.data as Rows).map((row) => row.subscriptionId))).toEqual(new Set([PROD]));
  });

  it('returns role assignments inherited from management groups with AtScopeAboveAndBelow', async () => {
    const query = "AuthorizationResources | where type in~ ('microsoft.authorization/roleassignments') | order by id asc";
    const below = await everyPage(query, { subscriptions: [PROD] });
    const aboveAndBelow = await everyPage(query, { subscriptions: [PROD] }, { authorizationScopeFilter: 'AtScopeAboveAndBelow' });
    const fromRoot = aboveAndBelow.rows.filter((row) => String(row.id).startsWith(managementGroupId(azure.state.tenant.id)));
    expect(below.rows).toHaveLength(7);
    expect(fromRoot).toHaveLength(7);
    expect(fromRoot.every((row) => (row.properties as { principalId?: string }).principalId === azure.state.app.objectId && row.subscriptionId === '')).toBe(true);
  });

  it('answers 429 RateLimiting once the quota is spent, without Retry-After unless the state asks (the SDK does not retry it)', async () => {
    azure.state.quota = { perWindow: 2, windowMs: 60_000 };
    await client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' });
    await client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' });
    const sent = log.answers.length;
    const failure = await failureOf(client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' }));
    expect(failure).toMatchObject({ statusCode: 429, code: 'RateLimiting' });
    expect(log.answers.length - sent).toBe(1);
    const answer = log.answers.at(-1);
    expect(answer?.headers).toMatchObject({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': expect.stringMatching(/^00:00:(59|60)/) });
    expect(answer?.headers['retry-after']).toBeUndefined();
    azure.state.quota = { perWindow: 0, windowMs: 60_000, retryAfterWhenExhausted: true };
    // With Retry-After the SDK would wait out the minute: ask without it.
    const token = await secretCredential(azure).getToken(`${azure.armUrl}/.default`);
    const told = await raw(`${azure.armUrl}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'Resources' }),
    });
    expect(told).toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^(59|60)$/), 'x-ms-user-quota-remaining': '0' } });
  });

  it('injects 5xx and 429 on chosen requests', async () => {
    azure.state.faults = [{ path: 'Microsoft.ResourceGraph', status: 503, skip: 1 }, { path: 'Microsoft.ResourceGraph', status: 429, skip: 3, retryAfterSeconds: 0 }];
    const before = log.answers.length;
    await client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' });
    await client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' });
    await client.resources({ subscriptions: [PROD], query: 'Resources | limit 1' });
    expect(log.answers.slice(before).map((answer) => answer.status)).toEqual([200, 503, 200, 429, 200]);
    expect(log.answers.at(-2)?.body).toContain('"RateLimiting"');
  });

  it('never answers with the secret', () => {
    expect(log.answers.length).toBeGreaterThan(10);
    for (const answer of log.answers) expect(answer.body).not.toContain(DEFAULT_CLIENT_SECRET);
  });
});

describe('fake Resource Graph at benchmark scale', () => {
  it('builds 10 subscriptions and 50,000 resources and serves them in 50 pages quickly', async () => {
    const started = performance.now();
    const azure = await startFakeAzure(syntheticState({ subscriptions: 10, resources: 50_000 }));
    try {
      const client = new ResourceGraphClient(secretCredential(azure), armOptions(azure, recorder().policy));
      let skipToken: string | undefined;
      const ids = new Set<string>();
      let pages = 0;
      do {
        const page = await client.resources({ managementGroups: [azure.state.tenant.id], query: 'Resources | order by id asc', options: { top: 1000, ...(skipToken ? { skipToken } : {}) } });
        for (const row of page.data as Rows) ids.add(String(row.id));
        skipToken = page.skipToken;
        pages += 1;
      } while (skipToken);
      expect(ids.size).toBe(50_000);
      expect(pages).toBe(50);
      expect(performance.now() - started).toBeLessThan(15_000);
    } finally {
      await azure.close();
    }
  });
});
