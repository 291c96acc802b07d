/**
 * What the connector does when the tenant does not cooperate: a refused
 * subscription, a family that fails, throttling, 5xx and short-lived tokens.
 * Whatever it misses, the manifest says so and ingest keeps the stored data.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { stateFromSnapshot } from '../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../support/fake-tenant.js';
import { runCli } from '../helpers/cli.js';
import { scratchFolder } from '../helpers/scratch.js';

const contoso = path.resolve(import.meta.dirname, '../../examples/contoso');
const APP_SUBSCRIPTION = '4e1a7c3b-92d5-4f08-b6e1-0c9d8a7f2e35';
const PROD_SUBSCRIPTION = '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const scratch = scratchFolder();
let tenant: FakeTenant;
// Fallback queries spend Resource Graph's quota (15 per 5 s, as the real service): waiting it out takes seconds.
vi.setConfig({ testTimeout: 60_000 });

beforeEach(async () => {
  tenant = await startFakeTenant(await stateFromSnapshot(contoso), { snapshotDir: contoso });
  for (const [name, value] of Object.entries(tenant.env)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await tenant.close();
});

let collections = 0;
async function collect(): Promise<{ code: number; summary: { problems: Array<{ scope: string; family: string; kind: string; reason: string }>; requests: { throttled: number; requests: number } }; out: string }> {
  collections += 1;
  const out = path.join(scratch.root, `snapshot-${collections}`);
  const run = await runCli('collect', 'azure', '--out', out, '--json');
  return { code: run.code, summary: JSON.parse(run.stdout), out };
}

async function ingest(snapshot: string): Promise<Set<string>> {
  const store = path.join(scratch.root, 'graph.json');
  const run = await runCli('ingest', snapshot, '--store', store);
  expect(run.stderr).not.toMatch(/unexpected/);
  const opened = await openStore(store);
  try {
    return new Set((await opened.readGraph()).nodes.map((node) => String(node.properties.name ?? node.id)));
  } finally {
    await opened.close();
  }
}

const removeResource = (name: string): void => {
  tenant.azure.state.resources = tenant.azure.state.resources.filter((resource) => resource.name !== name);
};

describe('collect azure when the tenant does not cooperate', () => {
  it('one refused subscription hides no other; ingest keeps what it had of the refused one', async () => {
    const first = await collect();
    expect(first.code).toBe(0);
    const before = await ingest(first.out);
    expect(before).toContain('vm-jump-01');
    expect(before).toContain('vm-legacy-01');

    // Both VMs are deleted in Azure; the management-group query and the app subscription's queries are refused.
    removeResource('vm-jump-01');
    removeResource('vm-legacy-01');
    tenant.azure.state.refuseResourceGraphAt = [tenant.azure.state.tenant.id];
    tenant.azure.state.refuseResourceGraphFor = [APP_SUBSCRIPTION];
    const second = await collect();
    expect(second.code).toBe(0);
    const refused = second.summary.problems.filter((problem) => problem.scope === `/subscriptions/${APP_SUBSCRIPTION}`);
    expect(refused.map((problem) => problem.family)).toContain('virtualMachines');
    expect(refused.every((problem) => problem.kind === 'denied')).toBe(true);
    expect(second.summary.problems.some((problem) => problem.scope === `/subscriptions/${PROD_SUBSCRIPTION}`)).toBe(false);

    const manifest = JSON.parse(await readFile(path.join(second.out, 'manifest.json'), 'utf8'));
    const appScope = manifest.scopes.find((scope: { scope: string }) => scope.scope === `/subscriptions/${APP_SUBSCRIPTION}`);
    expect(appScope.failed).toContain('virtualMachines');
    expect(appScope.failures[0]).toMatchObject({ kind: 'denied', reason: expect.stringMatching(/Resource Graph/) });

    const after = await ingest(second.out);
    expect(after).not.toContain('vm-legacy-01');
    expect(after).toContain('vm-jump-01');
  });

  it('a family that fails is marked failed, exits 1, and ingest keeps that family\'s data while cleaning the rest', async () => {
    const first = await collect();
    const before = await ingest(first.out);
    const disk = [...before].find((name) => /^vm-web-01.*disk/i.test(name));
    expect(disk).toBeDefined();

    removeResource(disk as string);
    removeResource('vm-legacy-01');
    // Scale-set instance NICs (generic resources) keep failing: the SDK's retries give up.
    tenant.azure.state.faults.push({ path: /virtualMachineScaleSets\/[^/]+\/networkInterfaces$/i, status: 500, times: Infinity });
    const second = await collect();
    expect(second.code).toBe(1);
    expect(second.summary.problems).toContainEqual(expect.objectContaining({ scope: `/subscriptions/${PROD_SUBSCRIPTION}`, family: 'genericResources', kind: 'error' }));

    const after = await ingest(second.out);
    expect(after).toContain(disk);
    expect(after).not.toContain('vm-legacy-01');
  });

  it('waits out throttling, retries 5xx and renews short-lived tokens, and still collects everything', async () => {
    const state = tenant.azure.state;
    state.tokenLifetimeSeconds = 2;
    state.quota = { perWindow: 2, windowMs: 1500 };
    state.faults.push({ path: 'listClusterUserCredential', status: 503, times: 2 });
    state.faults.push({ path: '/subscriptions', method: 'GET', status: 429, times: 1, retryAfterSeconds: 1 });
    tenant.graph.state.faults.push({ path: '/users', status: 429, times: 1 });
    const tokensBefore = tenant.azure.tokensIssued;
    const run = await collect();
    expect(run.code, JSON.stringify(run.summary.problems)).toBe(0);
    expect(run.summary.problems.filter((problem) => problem.kind !== 'skipped')).toEqual([]);
    expect(run.summary.requests.throttled).toBeGreaterThanOrEqual(2);
    expect(tenant.azure.tokensIssued - tokensBefore).toBeGreaterThan(2);
    const exposure = await runCli('exposure', run.out, '--json');
    const reference = await runCli('exposure', contoso, '--json');
    expect(JSON.parse(exposure.stdout)).toEqual(JSON.parse(reference.stdout));
  });

  it('a cluster whose credentials are refused is reported as not permitted and the rest is collected', async () => {
    const aksProd = tenant.azure.state.clusters.find((cluster) => cluster.id.toLowerCase().endsWith('/aks-prod'));
    tenant.azure.state.denyAssignments.push({ scope: String(aksProd?.id), actions: ['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'] });
    const run = await collect();
    expect(run.code).toBe(0);
    const refused = run.summary.problems.filter((problem) => problem.scope.endsWith('/aks-prod'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ kind: 'denied', reason: expect.stringMatching(/Azure Kubernetes Service Cluster User Role/) });
    expect(run.summary.problems.filter((problem) => problem.kind === 'error')).toEqual([]);
  });

  it('a Graph permission not granted fails that Entra family with the fix; the rest of Entra ID is collected', async () => {
    tenant.azure.state.app.graphRoles = tenant.azure.state.app.graphRoles.filter((role) => role !== 'Policy.Read.All');
    const run = await collect();
    expect(run.code).toBe(0);
    const refused = run.summary.problems.filter((problem) => problem.scope === 'tenant');
    expect(refused).toEqual([expect.objectContaining({ family: 'conditionalAccessPolicies', kind: 'denied', reason: expect.stringMatching(/Policy\.Read\.All.*admin consent/s) })]);
    const manifest = JSON.parse(await readFile(path.join(run.out, 'manifest.json'), 'utf8'));
    const entra = manifest.scopes.find((scope: { scope: string }) => scope.scope === 'tenant');
    expect(entra.complete).toEqual(expect.arrayContaining(['users', 'groups', 'servicePrincipals', 'authorization']));
    expect(entra.failed).toEqual(['conditionalAccessPolicies']);
  });
});
