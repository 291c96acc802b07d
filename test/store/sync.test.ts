/**
 * Ingest generations end to end, through ingestSnapshot, on every store:
 * complete families are cleaned, partial snapshots keep what they did not
 * refresh, a crash leaves the previous generation usable, locks keep two
 * ingests of one scope apart.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { computeExposure } from '../../src/analysis/exposure.js';
import { ingestSnapshot } from '../../src/load/ingest.js';
import type { GraphEdge } from '../../src/model/graph.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { type GraphStore, IngestLockedError, StoreError } from '../../src/store/graph-store.js';
import { ids, lower, nsg, publicIp, SUB, vmWithNic, vnet } from '../helpers/arm.js';
import { cypherBackend, falkordbBoltBackend } from '../support/falkordb-server.js';
import { sorted, type StoreBackend, type StoreHandle } from './contract.js';

const server = inject('graphServer');
const bolt = falkordbBoltBackend(server);

const embedded: StoreBackend = {
  name: 'EmbeddedStore',
  async fresh() {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-sync-'));
    return { open: () => EmbeddedStore.open(path.join(folder, 'graph.json')), dispose: () => rm(folder, { recursive: true, force: true }) };
  },
};

const ESTATE: ArmResource[] = [
  nsg('nsg', [{ name: 'allow-ssh', priority: 100, source: 'Internet', ports: '22' }]),
  vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg' }]),
  publicIp('pip-a', 'Standard', '203.0.113.10'),
  publicIp('pip-b', 'Standard', '203.0.113.11'),
  ...vmWithNic({ name: 'nic-a', vm: 'vm-a', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip-a' }),
  ...vmWithNic({ name: 'nic-b', vm: 'vm-b', subnet: ['vnet', 'web'], privateIp: '10.0.1.5', publicIp: 'pip-b' }),
];
/** The estate without vm-b (its NIC and IP stay). */
const WITHOUT_VM_B = ESTATE.filter((resource) => resource.id !== ids.vm('vm-b'));
const VM_B = lower(ids.vm('vm-b'));
const SCOPE = `/subscriptions/${SUB}`;

type Manifest = { complete?: string[]; failed?: string[] } | null;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-snapshots-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function snapshot(resources: ArmResource[], manifest: Manifest, extraFiles: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, `snapshot-${(counter += 1)}`);
  await mkdir(path.join(dir, 'azure'), { recursive: true });
  await writeFile(path.join(dir, 'azure', 'resources.json'), JSON.stringify(resources));
  for (const [name, text] of Object.entries(extraFiles)) await writeFile(path.join(dir, 'azure', name), text);
  if (manifest) {
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, scopes: [{ scope: SCOPE, complete: manifest.complete ?? [], failed: manifest.failed ?? [] }] }));
  }
  return dir;
}

const exposureOf = async (store: GraphStore) => computeExposure(await store.readGraph()).report;

/** A store whose process "dies" while writing edges: the call throws after `batches` batches and the dead process releases nothing. */
function crashing(store: GraphStore, batches: number): GraphStore {
  let written = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'upsertEdges') {
        return async (edges: GraphEdge[], ...rest: unknown[]) => {
          if (written >= batches) throw new Error('simulated crash while writing edges');
          written += 1;
          return (target.upsertEdges as (...args: unknown[]) => Promise<GraphEdge[]>)(edges, ...rest);
        };
      }
      if (property === 'releaseLock' || property === 'flush') return async () => {};
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

for (const backend of [embedded, cypherBackend(server), bolt]) {
  describe.skipIf(!!backend.unavailable)(`${backend.name}: ingest generations`, { timeout: backend.timeoutMs ?? 5_000 }, () => {
    let handle: StoreHandle;
    afterEach(async () => {
      await handle?.dispose();
    });
    const fresh = async () => {
      handle = await backend.fresh();
      return handle.open();
    };

    it('removes a VM that a later snapshot no longer has when the manifest says its family is complete', async () => {
      const store = await fresh();
      await ingestSnapshot(await snapshot(ESTATE, { complete: ['*'] }), store, { generation: 1000 });
      expect(await store.getNode(VM_B)).toBeDefined();
      const summary = await ingestSnapshot(await snapshot(WITHOUT_VM_B, { complete: ['virtualMachines'] }), store, { generation: 2000 });
      expect(summary.cleanup).toEqual([{ scope: SCOPE, families: ['virtualMachines'], nodes: 1, edges: expect.any(Number) }]);
      expect(await store.getNode(VM_B)).toBeUndefined();
      expect(await store.getNode(lower(ids.vm('vm-a')))).toBeDefined();
      expect(await store.getNode(lower(ids.nic('nic-b')))).toBeDefined();
      expect((await handle.open().then((again) => again.getNode(VM_B)))).toBeUndefined();
    });

    it('keeps unrefreshed data when the later snapshot is partial (family missing from the manifest, or failed)', async () => {
      const store = await fresh();
      await ingestSnapshot(await snapshot(ESTATE, { complete: ['*'] }), store, { generation: 1000 });
      const missing = await ingestSnapshot(await snapshot(WITHOUT_VM_B, { complete: ['networkInterfaces'] }), store, { generation: 2000 });
      expect(missing.cleanup).toEqual([]);
      expect(await store.getNode(VM_B)).toBeDefined();
      const failed = await ingestSnapshot(await snapshot(WITHOUT_VM_B, { complete: ['*'], failed: ['virtualMachines'] }), store, { generation: 3000 });
      expect(failed.cleanup.flatMap((record) => record.families)).not.toContain('virtualMachines');
      expect(await store.getNode(VM_B)).toMatchObject({ properties: { generation: 1000 } });
      const none = await ingestSnapshot(await snapshot(WITHOUT_VM_B, null), store, { generation: 4000 });
      expect(none.cleanupNote).toMatch(/no manifest/);
      expect(await store.getNode(VM_B)).toBeDefined();
    });

    it('cleans nothing when a snapshot file could not be read', async () => {
      const store = await fresh();
      await ingestSnapshot(await snapshot(ESTATE, { complete: ['*'] }), store, { generation: 1000 });
      const summary = await ingestSnapshot(await snapshot(WITHOUT_VM_B, { complete: ['*'] }, { 'broken.json': '[{"id": ' }), store, { generation: 2000 });
      expect(summary.errors).not.toHaveLength(0);
      expect(summary.cleanup).toEqual([]);
      expect(summary.cleanupNote).toMatch(/could not be read/);
      expect(await store.getNode(VM_B)).toBeDefined();
    });

    it('leaves the previous generation intact and analysable after a crash mid-ingest, and the crashed lock blocks others until it expires', async () => {
      const store = await fresh();
      await ingestSnapshot(await snapshot(ESTATE, { complete: ['*'] }), store, { generation: 1000 });
      const before = await exposureOf(store);
      expect(before.assets.map((asset) => asset.id).sort()).toEqual([lower(ids.vm('vm-a')), VM_B].sort());

      const next = await snapshot(WITHOUT_VM_B, { complete: ['*'] });
      const crash = await ingestSnapshot(next, crashing(store, 1), { generation: 2000, batchSize: 2, lockTtlMs: 400 }).catch((error: unknown) => error);
      expect((crash as Error).message).toMatch(/simulated crash/);

      const survivor = await handle.open();
      expect(await survivor.getNode(VM_B)).toBeDefined();
      expect(await exposureOf(survivor)).toEqual(before);

      const blocked = await ingestSnapshot(next, survivor, { generation: 3000 }).catch((error: unknown) => error);
      expect(blocked).toBeInstanceOf(IngestLockedError);
      expect((blocked as Error).message).toContain('generation 2000');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const summary = await ingestSnapshot(next, survivor, { generation: 4000 });
      expect(summary.cleanup.flatMap((record) => record.families)).toContain('virtualMachines');
      expect(await survivor.getNode(VM_B)).toBeUndefined();
    });

    it('refuses the second of two concurrent ingests of the same scope', async () => {
      const first = await fresh();
      const second = await handle.open();
      const dir = await snapshot(ESTATE, { complete: ['*'] });
      // The first ingest holds its lock until the second has tried to take it.
      let tried!: () => void;
      const secondTried = new Promise<void>((resolve) => {
        tried = resolve;
      });
      const waiting = new Proxy(first, {
        get(target, property, receiver) {
          if (property === 'upsertNodes') {
            return async (...args: Parameters<GraphStore['upsertNodes']>) => {
              await secondTried;
              return target.upsertNodes(...args);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const one = ingestSnapshot(dir, waiting, { generation: 1000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const two = ingestSnapshot(dir, second, { generation: 2000 }).finally(tried);
      const [a, b] = await Promise.allSettled([one, two]);
      expect(a.status).toBe('fulfilled');
      expect(b.status).toBe('rejected');
      expect((b as PromiseRejectedResult).reason).toBeInstanceOf(IngestLockedError);
      expect(((b as PromiseRejectedResult).reason as Error).message).toContain('generation 1000');
    });
  });
}

for (const backend of [cypherBackend(server), bolt]) describe.skipIf(!!backend.unavailable)(`the Contoso sample on ${backend.name}`, { timeout: 60_000 }, () => {
  let handle: StoreHandle;
  afterEach(async () => {
    await handle?.dispose();
  });

  it('gives the same graph and exposure report as the embedded store', async () => {
    const contoso = path.resolve('examples/contoso');
    const reference = EmbeddedStore.inMemory();
    await ingestSnapshot(contoso, reference, { generation: 1000 });
    handle = await backend.fresh();
    const store = await handle.open();
    const summary = await ingestSnapshot(contoso, store, { generation: 1000, batchSize: 50 });
    expect(summary.store).toBe(store.location);
    expect(sorted(await store.readGraph())).toEqual(sorted(await reference.readGraph()));
    const expected = await exposureOf(reference);
    expect(expected.assets.length).toBeGreaterThan(0);
    expect(await exposureOf(store)).toEqual(expected);
  });
});

describe('a dead graph database', () => {
  it('fails an ingest with a StoreError naming the address', async () => {
    const error = await import('../../src/store/open.js').then(({ openStore }) => openStore('bolt://127.0.0.1:1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('bolt://127.0.0.1:1');
  });
});
