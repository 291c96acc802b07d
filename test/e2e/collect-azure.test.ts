/**
 * The connector end to end against a fake tenant that serves the Contoso
 * estate: `collect azure` writes a snapshot that analyses exactly like the
 * hand-made one.
 */
import { readFile } from 'node:fs/promises';
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

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 1, tenantId: tenant.azure.state.tenant.id, cloud: 'AzurePublicCloud', tool: { name: 'reachgraph' } });
  });
});
