/**
 * Every saved query against a real graph database (FalkorDB in CI, Neo4j with
 * NEO4J_URI) over the Contoso sample after ingest and recompute: each runs with
 * its default parameters and returns exactly its documented columns, results
 * written back by recompute are visible, and writes are refused.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recompute } from '../../src/analysis/recompute.js';
import { ingestSnapshot } from '../../src/load/ingest.js';
import { loadCatalog } from '../../src/queries/catalog.js';
import { runSavedQuery } from '../../src/queries/run.js';
import { parseSavedQuery, SavedQueryError } from '../../src/queries/saved-query.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { cypherBackend, falkordbBoltBackend } from '../support/falkordb-server.js';
import type { StoreHandle } from '../store/contract.js';

const server = inject('graphServer');

for (const backend of [cypherBackend(server), falkordbBoltBackend(server)]) describe.skipIf(!!backend.unavailable)(`saved queries on ${backend.name}`, { timeout: 60_000 }, () => {
  let handle: StoreHandle;
  let store: GraphStore;

  beforeAll(async () => {
    handle = await backend.fresh();
    store = await handle.open();
    await ingestSnapshot(path.resolve('examples/contoso'), store);
    await recompute(store);
  }, 120_000);

  afterAll(async () => {
    await handle?.dispose();
  });

  it('runs every saved query with its default parameters, returning exactly its documented columns', async () => {
    const catalog = await loadCatalog();
    for (const query of catalog.values()) {
      const result = await runSavedQuery(store, query, {});
      expect(result.columns, query.name).toEqual(query.columns.map((column) => column.name));
      for (const row of result.rows) expect(Object.keys(row).sort(), query.name).toEqual([...result.columns].sort());
    }
  });

  it('sees what recompute wrote back: exposed VMs, attack paths to Key Vaults, Owner identities, exposure changes', async () => {
    const catalog = await loadCatalog();
    const run = async (name: string, params: Record<string, unknown> = {}) => (await runSavedQuery(store, catalog.get(name)!, params)).rows;

    const narrow = await run('internet-exposed-vms', { width: 'narrow' });
    expect(narrow.map((row) => row.name)).toEqual(['vm-web-02']);
    expect(narrow[0]?.ports).toEqual(['tcp/8080']);
    expect((await run('internet-exposed-vms')).map((row) => row.name).sort()).toEqual(['vm-jump-01', 'vm-legacy-01', 'vm-web-01', 'vm-web-02', 'vmss-api']);

    const vaultPaths = await run('attack-paths-to-key-vaults');
    expect(vaultPaths.map((row) => `${row.entry} ${row.role}`).sort()).toEqual(['vm-jump-01 Owner', 'vm-web-01 Key Vault Secrets User', 'vmss-api Contributor']);
    for (const row of vaultPaths) {
      expect((row.hops as string[])[0]).toBe('internet');
      expect((row.hops as string[]).at(-1)).toContain('/providers/microsoft.keyvault/vaults/kv-contoso-prod-01');
    }

    expect((await run('internet-reachable-owner-identities')).map((row) => row.workload)).toEqual(['vm-jump-01']);
    expect((await run('aks-public-api-servers')).map((row) => `${row.name} ${row.width}`)).toEqual(['aks-prod wide']);
    const digests = await run('exposed-workloads-by-image-digest');
    expect(new Set(digests.map((row) => String(row.workload).split('/').pop()))).toEqual(new Set(['ingress-nginx-controller', 'storefront', 'admin']));
    const untrusted = await run('untrusted-registry-images-in-production');
    expect(new Set(untrusted.map((row) => row.registry))).toEqual(new Set(['registry.k8s.io', 'ghcr.io', 'docker.io']));
    expect((await run('exposure-changes')).length).toBeGreaterThan(0);
  });

  it('reports no exposure change when nothing changed since the last recompute', async () => {
    await recompute(store);
    const catalog = await loadCatalog();
    expect((await runSavedQuery(store, catalog.get('exposure-changes')!, {})).rows).toEqual([]);
  });

  it('refuses a saved query that writes, and the graph is unchanged', async () => {
    const writer = parseSavedQuery('cypher/evil.cypher', '// name: evil\n// description: writes\n// column n: int -- n\nMATCH (n:Entity) SET n.pwned = true RETURN count(n) AS n');
    await expect(runSavedQuery(store, writer, {})).rejects.toThrow(SavedQueryError);
    await expect(runSavedQuery(store, writer, {})).rejects.toThrow(/SET: saved queries may only read/);
    expect((await store.readGraph()).nodes.some((node) => node.properties.pwned !== undefined)).toBe(false);
  });

  it('stops at the row limit and says the result was truncated', async () => {
    const all = parseSavedQuery('cypher/all.cypher', '// name: all\n// description: every node\n// column id: string -- id\nMATCH (n:Entity) RETURN n.id AS id');
    const result = await runSavedQuery(store, all, {}, { limits: { rowLimit: 5 } });
    expect(result.rows).toHaveLength(5);
    expect(result.truncated).toBe(true);
  });
});
