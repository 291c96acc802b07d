import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestSnapshot } from '../../src/load/ingest.js';
import type { GraphBatch, GraphEdge, GraphNode, Properties } from '../../src/model/graph.js';
import type { EdgeKind, NodeKind } from '../../src/model/kinds.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { StoreError } from '../../src/store/graph-store.js';
import { lbPool, loadBalancer, nsg, publicIp, vmWithNic, vnet } from '../helpers/arm.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const node = (id: string, kind: NodeKind, properties: Properties = {}): GraphNode => ({ id, kind, properties });
const edge = (source: string, kind: EdgeKind, target: string, properties: Properties = {}): GraphEdge => ({ source, kind, target, properties });

/** A graph in a canonical order, so two stores can be compared regardless of write order. */
function sorted(graph: GraphBatch): GraphBatch {
  return {
    nodes: [...graph.nodes].sort((a, b) => a.id.localeCompare(b.id)),
    edges: [...graph.edges].sort((a, b) => `${a.source}|${a.kind}|${a.target}`.localeCompare(`${b.source}|${b.kind}|${b.target}`)),
  };
}

/** Two ingests differ only in when they ran: their generation and lastSeen stamps. */
function withoutSyncTimes(graph: GraphBatch): GraphBatch {
  const strip = ({ generation: _generation, lastSeen: _lastSeen, ...rest }: Properties) => rest;
  return {
    nodes: graph.nodes.map((item) => ({ ...item, properties: strip(item.properties) })),
    edges: graph.edges.map((item) => ({ ...item, properties: strip(item.properties) })),
  };
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

const SAMPLE: GraphBatch = {
  nodes: [
    node('internet', 'Internet', { name: 'Internet' }),
    node('/subscriptions/s/resourcegroups/rg/providers/microsoft.network/publicipaddresses/pip', 'PublicIPAddress', {
      name: 'pip',
      sku: 'Standard',
      ipAddress: '203.0.113.1',
      tags: ['env=prod', 'owner=ops'],
    }),
    node('/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic', 'NetworkInterface', {
      name: 'nic',
      ipConfigurations: JSON.stringify([{ id: 'x', privateIPAddress: '10.0.0.4' }]),
      privateIPAddresses: ['10.0.0.4'],
    }),
    node('/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm', 'VirtualMachine', {
      name: 'vm',
      capacity: 3,
      ports: [22, 443],
      flags: [true, false],
      enabled: false,
    }),
  ],
  edges: [
    edge(
      '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic',
      'HAS_PUBLIC_IP',
      '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/publicipaddresses/pip',
      { ipConfiguration: 'ipconfig1' },
    ),
    edge(
      '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic',
      'ATTACHED_TO',
      '/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm',
    ),
    edge('internet', 'REACHES', '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/publicipaddresses/pip', { ports: ['tcp/443'] }),
  ],
};
const [INTERNET, PIP, NIC, VM] = SAMPLE.nodes.map((item) => item.id) as [string, string, string, string];

async function filled(file?: string): Promise<EmbeddedStore> {
  const store = file ? await EmbeddedStore.open(file) : EmbeddedStore.inMemory();
  await store.upsertNodes(SAMPLE.nodes);
  await store.upsertEdges(SAMPLE.edges);
  return store;
}

describe('EmbeddedStore: reading what was written', () => {
  it('returns an upserted node by id, and undefined for an unknown id', async () => {
    const store = await filled();
    expect(await store.getNode(PIP)).toEqual(SAMPLE.nodes[1]);
    expect(await store.getNode('/subscriptions/s/nope')).toBeUndefined();
  });

  it('lists neighbours with their direction, edge and node, optionally filtered by edge kind', async () => {
    const store = await filled();
    const summarize = (list: Awaited<ReturnType<EmbeddedStore['neighbours']>>) =>
      list.map((item) => `${item.direction} ${item.edge.kind} ${item.node.id}`).sort();

    expect(summarize(await store.neighbours(NIC))).toEqual([`out ATTACHED_TO ${VM}`, `out HAS_PUBLIC_IP ${PIP}`]);
    expect(summarize(await store.neighbours(PIP))).toEqual([`in HAS_PUBLIC_IP ${NIC}`, `in REACHES ${INTERNET}`]);
    expect(summarize(await store.neighbours(PIP, ['REACHES']))).toEqual([`in REACHES ${INTERNET}`]);
    expect(summarize(await store.neighbours(NIC, ['REACHES', 'CONTAINS']))).toEqual([]);
    expect(await store.neighbours('/missing')).toEqual([]);

    const [attached] = await store.neighbours(VM);
    expect(attached).toEqual({ direction: 'in', edge: SAMPLE.edges[1], node: SAMPLE.nodes[2] });
  });

  it('counts nodes by kind', async () => {
    const store = await filled();
    await store.upsertNodes([node('/x/vm2', 'VirtualMachine'), node('/x/vm2', 'VirtualMachine')]);
    expect(await store.countNodesByKind()).toEqual({ Internet: 1, PublicIPAddress: 1, NetworkInterface: 1, VirtualMachine: 2 });
    expect(await EmbeddedStore.inMemory().countNodesByKind()).toEqual({});
  });
});

describe('EmbeddedStore: upserts are idempotent', () => {
  it('merges a node’s properties on re-upsert: new values win, null removes a key, the kind is replaced', async () => {
    const store = EmbeddedStore.inMemory();
    await store.upsertNodes([node('/a', 'AzureResource', { name: 'a', stale: 'yes', exposed: true, tags: ['x=1'] })]);
    await store.upsertNodes([node('/a', 'VirtualMachine', { name: 'a2', stale: null, tags: ['y=2'] })]);
    expect(await store.getNode('/a')).toEqual(node('/a', 'VirtualMachine', { name: 'a2', exposed: true, tags: ['y=2'] }));
    expect((await store.readGraph()).nodes).toHaveLength(1);
  });

  it('stamps firstSeen once and lastSeen and generation on every sync write', async () => {
    const store = EmbeddedStore.inMemory();
    await store.upsertNodes([node('/a', 'AzureResource')], { generation: 1, seenAt: '2026-01-01T00:00:00.000Z' });
    await store.upsertNodes([node('/a', 'AzureResource')], { generation: 2, seenAt: '2026-02-01T00:00:00.000Z' });
    expect((await store.getNode('/a'))?.properties).toEqual({ firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-02-01T00:00:00.000Z', generation: 2 });
  });

  it('keeps edges when a node is re-upserted', async () => {
    const store = await filled();
    await store.upsertNodes([node(NIC, 'NetworkInterface', { name: 'renamed' })]);
    expect((await store.readGraph()).edges).toHaveLength(SAMPLE.edges.length);
  });

  it('keeps one edge per (source, kind, target) when the same edges are upserted twice, with the latest properties', async () => {
    const store = await filled();
    await store.upsertEdges(SAMPLE.edges);
    await store.upsertEdges([edge(NIC, 'HAS_PUBLIC_IP', PIP, { ipConfiguration: 'ipconfig2' })]);
    const { edges } = await store.readGraph();
    expect(edges).toHaveLength(3);
    expect(edges.find((item) => item.kind === 'HAS_PUBLIC_IP')?.properties).toEqual({ ipConfiguration: 'ipconfig2' });
  });

  it('keeps edges of different kinds between the same two nodes apart', async () => {
    const store = await filled();
    await store.upsertEdges([edge(NIC, 'REACHES', PIP), edge(NIC, 'REACHES', PIP)]);
    const between = (await store.readGraph()).edges.filter((item) => item.source === NIC && item.target === PIP);
    expect(between.map((item) => item.kind).sort()).toEqual(['HAS_PUBLIC_IP', 'REACHES']);
  });

  it('skips and returns an edge whose end is missing, and writes the rest of the batch', async () => {
    const store = await filled();
    const dangling = edge(NIC, 'IN_SUBNET', '/subscriptions/s/missing-subnet');
    const skipped = await store.upsertEdges([edge(VM, 'CONTAINS', NIC), dangling, edge('/missing-source', 'CONTAINS', VM)]);
    expect(skipped).toEqual([dangling, edge('/missing-source', 'CONTAINS', VM)]);
    const { edges } = await store.readGraph();
    expect(edges.filter((item) => item.kind === 'CONTAINS')).toEqual([edge(VM, 'CONTAINS', NIC)]);
    expect(edges.some((item) => item.target === '/subscriptions/s/missing-subnet')).toBe(false);
  });

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
    const summary = await ingestSnapshot(snapshot, first);
    const once = sorted(await first.readGraph());
    expect(once.nodes).toHaveLength(summary.nodes);
    expect(once.edges).toHaveLength(summary.edges);

    const second = await EmbeddedStore.open(file);
    await ingestSnapshot(snapshot, second);
    expect(withoutSyncTimes(sorted(await second.readGraph()))).toEqual(withoutSyncTimes(once));
    expect(withoutSyncTimes(sorted(await (await EmbeddedStore.open(file)).readGraph()))).toEqual(withoutSyncTimes(once));
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
