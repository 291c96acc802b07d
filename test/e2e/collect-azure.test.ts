/**
 * The connector end to end against a fake tenant that serves the Contoso
 * estate: `collect azure` writes a snapshot that analyses exactly like the
 * hand-made one.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stateFromSnapshot } from '../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../support/fake-tenant.js';
import { runCli } from '../helpers/cli.js';
import { scratchFolder } from '../helpers/scratch.js';

const contoso = path.resolve(import.meta.dirname, '../../examples/contoso');
const scratch = scratchFolder();
let tenant: FakeTenant;

beforeAll(async () => {
  tenant = await startFakeTenant(await stateFromSnapshot(contoso), { snapshotDir: contoso });
});
afterAll(async () => tenant?.close());

function withTenantEnv(): void {
  for (const [name, value] of Object.entries(tenant.env)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
}

describe('collect azure against the fake Contoso tenant', () => {
  it('writes a snapshot whose exposure equals the hand-made snapshot\'s', async () => {
    withTenantEnv();
    const out = path.join(scratch.root, 'snapshot');
    const collected = await runCli('collect', 'azure', '--out', out, '--json');
    vi.unstubAllEnvs();
    expect(collected.stderr).toBe('');
    const summary = JSON.parse(collected.stdout);
    expect(collected.code, JSON.stringify(summary.problems, null, 2) + collected.stderr).toBe(0);
    expect(summary.subscriptions).toBe(2);
    expect(summary.problems.filter((problem: { kind: string }) => problem.kind !== 'skipped')).toEqual([]);
    // The private cluster is reported and skipped, every Kubernetes family of it marked so ingest keeps what it has.
    const skipped = summary.problems.filter((problem: { kind: string }) => problem.kind === 'skipped');
    expect(new Set(skipped.map((problem: { scope: string }) => problem.scope))).toEqual(new Set([expect.stringMatching(/managedclusters\/aks-internal$/)]));
    expect(skipped[0].reason).toMatch(/aks-internal is private/);

    const fromCollector = await runCli('exposure', out, '--json');
    const fromHand = await runCli('exposure', contoso, '--json');
    expect(fromCollector.code).toBe(0);
    expect(JSON.parse(fromCollector.stdout)).toEqual(JSON.parse(fromHand.stdout));

    // And through the store: ingest each into its own graph, recompute, read exposure back.
    const stores = { collected: path.join(scratch.root, 'collected.json'), hand: path.join(scratch.root, 'hand.json') };
    const recomputed: Array<{ exposedAssets: number; attackPaths: number; assetsAnalysed: number }> = [];
    for (const [store, snapshot] of [[stores.collected, out], [stores.hand, contoso]] as const) {
      expect((await runCli('ingest', snapshot, '--store', store)).code).toBe(0);
      const run = await runCli('recompute', '--store', store, '--json');
      expect(run.code).toBe(0);
      recomputed.push(JSON.parse(run.stdout));
    }
    // Attack paths need the role assignments Resource Graph's AuthorizationResources gave.
    expect(recomputed[0]).toMatchObject({ exposedAssets: 9, attackPaths: 8 });
    const counts = ({ assetsAnalysed, exposedAssets, attackPaths }: (typeof recomputed)[number]) => ({ assetsAnalysed, exposedAssets, attackPaths });
    expect(counts(recomputed[0]!)).toEqual(counts(recomputed[1]!));
    const storedCollected = JSON.parse((await runCli('exposure', '--store', stores.collected, '--json')).stdout);
    expect(storedCollected.assets).toHaveLength(9);
    expect(storedCollected).toEqual(JSON.parse((await runCli('exposure', '--store', stores.hand, '--json')).stdout));

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 1, tenantId: tenant.azure.state.tenant.id, cloud: 'AzurePublicCloud', tool: { name: 'reachgraph' } });
  });

  it('collects each connection of a config file into its own folder, with its subscription and cluster lists', async () => {
    const config = path.join(scratch.root, 'reachgraph.yaml');
    const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, REACHGRAPH_ARM_ENDPOINT, REACHGRAPH_GRAPH_ENDPOINT } = tenant.env;
    const connection = (name: string, extra: string) =>
      `  - name: ${name}\n    tenantId: ${AZURE_TENANT_ID}\n    clientId: ${AZURE_CLIENT_ID}\n    clientSecretEnv: ${name.toUpperCase()}_SECRET\n    armEndpoint: ${REACHGRAPH_ARM_ENDPOINT}\n    graphEndpoint: ${REACHGRAPH_GRAPH_ENDPOINT}\n${extra}`;
    await writeFile(config, `connections:\n${connection('alpha', '    subscriptions: { include: [contoso-prod] }\n')}${connection('beta', '    clusters: { exclude: [aks-prod] }\n')}`);
    vi.stubEnv('AZURE_AUTHORITY_HOST', AZURE_AUTHORITY_HOST as string);
    vi.stubEnv('ALPHA_SECRET', AZURE_CLIENT_SECRET as string);
    vi.stubEnv('BETA_SECRET', AZURE_CLIENT_SECRET as string);
    const out = path.join(scratch.root, 'tenants');
    const run = await runCli('collect', 'azure', '--config', config, '--out', out, '--no-entra', '--json');
    vi.unstubAllEnvs();
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['alpha', 'beta']);

    const scopes = async (name: string) => (JSON.parse(await readFile(path.join(out, name, 'manifest.json'), 'utf8')).scopes as Array<{ scope: string }>).map((scope) => scope.scope);
    expect((await scopes('alpha')).filter((scope) => /^\/subscriptions\/[^/]+$/.test(scope))).toEqual(['/subscriptions/9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82']);
    expect((await scopes('beta')).filter((scope) => /^\/subscriptions\/[^/]+$/.test(scope))).toHaveLength(2);
    expect(await readdir(path.join(out, 'alpha', 'kubernetes'))).toEqual(['aks-prod']);
    expect(await readdir(path.join(out, 'beta')).then((names) => names.includes('kubernetes'))).toBe(false);
  });

  it('reports an API server that refuses the collector as not permitted and goes on', async () => {
    const aksProd = tenant.azure.state.clusters.find((cluster) => cluster.id.toLowerCase().endsWith('/aks-prod'));
    const resource = tenant.azure.state.resources.find((item) => String(item.id).toLowerCase() === aksProd?.id.toLowerCase()) as { properties: Record<string, unknown> };
    const { aadProfile } = resource.properties;
    const kubeconfig = aksProd?.kubeconfig;
    // A local-account cluster whose kubeconfig token the API server does not take.
    delete resource.properties.aadProfile;
    (aksProd as { kubeconfig: () => string }).kubeconfig = () => tenant.clusters.get(String(aksProd?.id).toLowerCase())!.kubeconfig({ user: 'local', token: 'a-token-the-server-refuses' });
    try {
      withTenantEnv();
      const out = path.join(scratch.root, 'refused');
      const run = await runCli('collect', 'azure', '--out', out, '--no-entra', '--json');
      vi.unstubAllEnvs();
      expect(run.code, run.stderr).toBe(0);
      const refused = JSON.parse(run.stdout).problems.filter((problem: { scope: string }) => problem.scope.endsWith('/aks-prod'));
      expect(refused).toHaveLength(9);
      expect(refused[0]).toMatchObject({ kind: 'denied', reason: expect.stringMatching(/^cluster aks-prod: 401 Unauthorized/) });
      expect(JSON.stringify(refused)).not.toContain('a-token-the-server-refuses');
    } finally {
      resource.properties.aadProfile = aadProfile;
      (aksProd as { kubeconfig: () => string }).kubeconfig = kubeconfig as () => string;
    }
  });
});
