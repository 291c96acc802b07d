import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestSnapshot } from '../../src/load/ingest.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { StoreError } from '../../src/store/graph-store.js';
import { lbPool, loadBalancer, nsg, publicIp, vmWithNic, vnet } from '../helpers/arm.js';
import { node, SAMPLE, sorted, storeContract, VM } from './contract.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

async function filled(file?: string): Promise<EmbeddedStore> {
  const store = file ? await EmbeddedStore.open(file) : EmbeddedStore.inMemory();
  await store.upsertNodes(SAMPLE.nodes);
  await store.upsertEdges(SAMPLE.edges);
  return store;
}

/** File-backed stores in a temporary folder: several instances over one file share its locks. */
storeContract({
  name: 'EmbeddedStore (file)',
  async fresh() {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-contract-'));
    const file = path.join(folder, 'graph.json');
    return {
      open: () => EmbeddedStore.open(file),
      dispose: () => rm(folder, { recursive: true, force: true }),
    };
  },
});

/** In memory: one instance per process, so open() hands out the same one. */
storeContract({
  name: 'EmbeddedStore (memory)',
  async fresh() {
    const store = EmbeddedStore.inMemory();
    return { open: async () => store, dispose: async () => {} };
  },
});

describe('EmbeddedStore: ingesting into a store file', () => {
  it('gives the same graph when the same snapshot is ingested twice into a store file', async () => {
    const snapshot = path.join(dir, 'snapshot');
    await mkdir(path.join(snapshot, 'azure'), { recursive: true });
    await writeFile(
      path.join(snapshot, 'azure', 'resources.json'),
      JSON.stringify([
        nsg('nsg', [{ name: 'allow-https', priority: 100, source: 'Internet', ports: '443' }]),
        vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg' }]),
        publicIp('pip', 'Standard', '203.0.113.1'),
        loadBalancer({ name: 'lb', publicIp: 'pip', pools: ['web'], rules: [{ name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 443, pool: 'web' }] }),
        ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', lbPools: [lbPool('lb', 'web')] }),
      ]),
    );
    const file = path.join(dir, 'graph.json');
    const first = await EmbeddedStore.open(file);
    const summary = await ingestSnapshot(snapshot, first, { generation: 1000 });
    const once = sorted(await first.readGraph());
    expect(once.nodes).toHaveLength(summary.nodes);
    expect(once.edges).toHaveLength(summary.edges);

    // The same generation again changes nothing; a later one only moves the stamps.
    const second = await EmbeddedStore.open(file);
    await ingestSnapshot(snapshot, second, { generation: 1000 });
    expect(sorted(await second.readGraph())).toEqual(once);
    expect(sorted(await (await EmbeddedStore.open(file)).readGraph())).toEqual(once);
    const third = await EmbeddedStore.open(file);
    await ingestSnapshot(snapshot, third, { generation: 2000 });
    const later = sorted(await third.readGraph());
    expect(later.nodes.map((item) => item.id)).toEqual(once.nodes.map((item) => item.id));
    for (const item of later.nodes.filter((candidate) => candidate.properties.syncFamily)) {
      expect(item.properties).toMatchObject({ generation: 2000, firstSeen: new Date(1000).toISOString(), lastSeen: new Date(2000).toISOString() });
    }
  });
});

describe('EmbeddedStore: the store file', () => {
  it('round-trips the graph exactly through flush and reopen', async () => {
    const file = path.join(dir, 'graph.json');
    const store = await filled(file);
    await store.flush();
    const reopened = await EmbeddedStore.open(file);
    expect(reopened.location).toBe(file);
    expect(sorted(await reopened.readGraph())).toEqual(sorted(SAMPLE));
    expect(await reopened.getNode(VM)).toEqual(SAMPLE.nodes[3]);
    expect(await reopened.countNodesByKind()).toEqual(await store.countNodesByKind());
  });

  it('opens a missing file as an empty store and creates the file (and its folders) only on flush', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'graph.json');
    const store = await EmbeddedStore.open(file);
    expect(await store.readGraph()).toEqual({ nodes: [], edges: [] });
    await store.upsertNodes([node('internet', 'Internet')]);
    expect(await exists(file)).toBe(false);
    await store.flush();
    expect(await exists(file)).toBe(true);
    expect((await (await EmbeddedStore.open(file)).readGraph()).nodes).toEqual([node('internet', 'Internet')]);
  });

  it('flushes through a temporary file and leaves nothing but the store behind', async () => {
    const file = path.join(dir, 'graph.json');
    const store = await filled(file);
    await store.flush();
    await store.upsertNodes([node('/extra', 'AzureResource')]);
    await store.flush();
    expect(await readdir(dir)).toEqual(['graph.json']);
    expect((await (await EmbeddedStore.open(file)).readGraph()).nodes).toHaveLength(SAMPLE.nodes.length + 1);
  });

  it('survives overlapping flushes of the same store', async () => {
    const file = path.join(dir, 'graph.json');
    const store = await filled(file);
    await Promise.all([1, 2, 3, 4].map(() => store.flush()));
    expect(sorted(await (await EmbeddedStore.open(file)).readGraph())).toEqual(sorted(SAMPLE));
    expect(await readdir(dir)).toEqual(['graph.json']);
  });

  it('an in-memory store reports its location as memory and writes no file on flush', async () => {
    const store = await filled();
    await store.flush();
    expect(store.location).toBe('memory');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a corrupt store file with a StoreError that says to re-ingest, and leaves the file untouched', async () => {
    const file = path.join(dir, 'graph.json');
    const store = await filled(file);
    await store.flush();
    const full = await readFile(file, 'utf8');
    const corrupt = full.slice(0, Math.floor(full.length / 2));
    await writeFile(file, corrupt);
    const before = await stat(file);

    const error = await EmbeddedStore.open(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).toMatch(/run "reachgraph ingest <snapshot>" again/);

    expect(await readFile(file, 'utf8')).toBe(corrupt);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(dir)).toEqual(['graph.json']);
  });

  it('refuses a JSON file that is not a store (a snapshot array, another format, a future version)', async () => {
    const cases: Record<string, unknown> = {
      'snapshot.json': [{ id: '/subscriptions/s', type: 'microsoft.resources/subscriptions' }],
      'other.json': { format: 'something-else', version: 1, graph: { nodes: [], edges: [] } },
      'future.json': { format: 'reachgraph-embedded-graph', version: 2, graph: { nodes: [], edges: [] } },
      'headless.json': { format: 'reachgraph-embedded-graph', version: 1 },
    };
    for (const [name, content] of Object.entries(cases)) {
      const file = path.join(dir, name);
      await writeFile(file, JSON.stringify(content));
      const error = await EmbeddedStore.open(file).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(StoreError);
      expect((error as Error).message, name).toMatch(/is not a reachgraph graph store/);
      expect((error as Error).message, name).toMatch(/ingest/);
      expect(await readFile(file, 'utf8')).toBe(JSON.stringify(content));
    }
  });

  it('refuses a store file containing JSON null with a StoreError', async () => {
    const file = path.join(dir, 'graph.json');
    await writeFile(file, 'null');
    await expect(EmbeddedStore.open(file)).rejects.toBeInstanceOf(StoreError);
  });

  it('refuses a store file whose graph section is damaged with a StoreError that says to re-ingest', async () => {
    const file = path.join(dir, 'graph.json');
    await writeFile(
      file,
      JSON.stringify({
        format: 'reachgraph-embedded-graph',
        version: 1,
        graph: { options: { type: 'directed', multi: true, allowSelfLoops: true }, nodes: [{ key: 'a', attributes: { kind: 'Internet', properties: {} } }], edges: [{ key: 'k', source: 'a', target: 'gone', attributes: { kind: 'REACHES', properties: {} } }] },
      }),
    );
    const error = await EmbeddedStore.open(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/ingest/);
  });
});
