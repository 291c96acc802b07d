/**
 * `reachgraph sync` and `serve --sync-every` against the fake Contoso tenant:
 * collect → ingest → recompute into dated snapshots, pruning old ones; a sync
 * that fails leaves the store as it was and shows in /api/v1/health.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncCollector } from '../../src/cli/commands/sync.js';
import { startServer } from '../../src/serve/server.js';
import { openStore } from '../../src/store/open.js';
import { runSync } from '../../src/sync/sync.js';
import { stateFromSnapshot } from '../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../support/fake-tenant.js';
import { runCli } from '../helpers/cli.js';
import { scratchFolder } from '../helpers/scratch.js';

const contoso = path.resolve(import.meta.dirname, '../../examples/contoso');
const scratch = scratchFolder();
let tenant: FakeTenant;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  tenant = await startFakeTenant(await stateFromSnapshot(contoso), { snapshotDir: contoso });
});
afterAll(async () => tenant?.close());
beforeEach(() => {
  for (const [name, value] of Object.entries(tenant.env)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
  return () => vi.unstubAllEnvs();
});

const exposureOf = async (...args: string[]) => JSON.parse((await runCli('exposure', ...args, '--json')).stdout);

describe('reachgraph sync', () => {
  it('collects, ingests and recomputes; keeps the newest --keep snapshots', async () => {
    const store = path.join(scratch.root, 'graph.json');
    const snapshots = path.join(scratch.root, 'snapshots');
    const first = await runCli('sync', '--store', store, '--snapshots', snapshots, '--keep', '1', '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', recompute: { exposedAssets: 9 } });
    expect(await exposureOf('--store', store)).toEqual(await exposureOf(contoso));

    const second = await runCli('sync', '--store', store, '--snapshots', snapshots, '--keep', '1', '--json');
    expect(second.code).toBe(0);
    const kept = await readdir(path.join(snapshots, 'default'));
    expect(kept).toHaveLength(1);
    expect(JSON.parse(second.stdout).pruned).toHaveLength(1);
    expect(kept[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
  });

  it('a sync whose collection fails changes nothing in the store', async () => {
    const store = path.join(scratch.root, 'graph.json');
    expect((await runCli('sync', '--store', store, '--snapshots', path.join(scratch.root, 's'))).code).toBe(0);
    const before = await exposureOf('--store', store);
    vi.stubEnv('AZURE_CLIENT_SECRET', 'not-the-secret-value');
    const failed = await runCli('sync', '--store', store, '--snapshots', path.join(scratch.root, 's'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/AADSTS7000215/);
    expect(await exposureOf('--store', store)).toEqual(before);
  });
});

describe('serve --sync-every', () => {
  it('syncs at start-up, shows the last sync in /health, and reports a failed one as degraded without losing data', async () => {
    const store = await openStore(path.join(scratch.root, 'served.json'), { create: true });
    const options = { snapshots: path.join(scratch.root, 'served'), keep: 2, concurrency: 4, entra: true, subscription: [], excludeSubscription: [], cluster: [], excludeCluster: [] };
    const running = await startServer({
      store,
      port: 0,
      host: '127.0.0.1',
      version: 'test',
      sync: { everyMs: 3_600_000, run: (recomputeNow) => runSync({ dir: options.snapshots, keep: options.keep, store, collect: syncCollector(options, true), recompute: recomputeNow }) },
    });
    try {
      await vi.waitFor(() => expect(running.sync?.state.lastRun).not.toBeNull(), { timeout: 30_000 });
      const healthy = await request(running.server).get('/api/v1/health');
      expect(healthy.body).toMatchObject({ status: 'ok', sync: { running: false, lastRun: { status: 'succeeded', error: null } } });
      expect(healthy.body.nodes).toBeGreaterThan(100);
      expect((await request(running.server).get('/api/v1/exposure')).body.assets).toHaveLength(9);

      vi.stubEnv('AZURE_CLIENT_SECRET', 'not-the-secret-value');
      await running.sync?.run();
      const degraded = await request(running.server).get('/api/v1/health');
      expect(degraded.body).toMatchObject({ status: 'degraded', nodes: healthy.body.nodes, sync: { lastRun: { status: 'failed', error: expect.stringMatching(/AADSTS7000215/) }, lastSucceededAt: healthy.body.sync.lastSucceededAt } });
      expect(JSON.stringify(degraded.body)).not.toContain('not-the-secret-value');
      expect((await request(running.server).get('/api/v1/exposure')).body.assets).toHaveLength(9);
    } finally {
      await running.close();
      await store.close();
    }
  });
});
