/**
 * The GraphStore contract: the same assertions for every store. A backend
 * gives each test a fresh, empty store (and more instances over the same
 * data when a test needs two).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphBatch, GraphEdge, GraphNode, Properties } from '../../src/model/graph.js';
import type { EdgeKind, NodeKind } from '../../src/model/kinds.js';
import { ANALYSIS_STATE_ID } from '../../src/model/results.js';
import { type AnalysisResults, type GraphStore, IngestLockedError, type Neighbour, type SyncStamp } from '../../src/store/graph-store.js';

export interface StoreHandle {
  /** A store instance over this handle's data; each call opens a new one. */
  open(): Promise<GraphStore>;
  /** Closes what open() returned and removes the data. */
  dispose(): Promise<void>;
}

export interface StoreBackend {
  name: string;
  /** Why this backend cannot run here (the suites are then skipped), or undefined. */
  unavailable?: string | undefined;
  /** Per-test timeout for this backend's suites. */
  timeoutMs?: number;
  fresh(): Promise<StoreHandle>;
}

export const node = (id: string, kind: NodeKind, properties: Properties = {}): GraphNode => ({ id, kind, properties });
export const edge = (source: string, kind: EdgeKind, target: string, properties: Properties = {}): GraphEdge => ({ source, kind, target, properties });

/** A graph in a canonical order, so stores can be compared regardless of write order. */
export function sorted(graph: GraphBatch): GraphBatch {
  return {
    nodes: [...graph.nodes].sort((a, b) => a.id.localeCompare(b.id)),
    edges: [...graph.edges].sort((a, b) => `${a.source}|${a.kind}|${a.target}`.localeCompare(`${b.source}|${b.kind}|${b.target}`)),
  };
}

const summarize = (list: Neighbour[]) => list.map((item) => `${item.direction} ${item.edge.kind} ${item.node.id}`).sort();

const RG = '/subscriptions/s/resourcegroups/rg/providers';
export const SAMPLE: GraphBatch = {
  nodes: [
    node('internet', 'Internet', { name: 'Internet' }),
    node(`${RG}/microsoft.network/publicipaddresses/pip`, 'PublicIPAddress', {
      name: 'pip',
      sku: 'Standard',
      ipAddress: '203.0.113.1',
      tags: ['env=prod', 'owner=o\'brien'],
      note: 'quotes \' " and \\ backslash, newline\nand ünïcødé ✓',
    }),
    node(`${RG}/microsoft.network/networkinterfaces/nic`, 'NetworkInterface', {
      name: 'nic',
      ipConfigurations: JSON.stringify([{ id: 'x', privateIPAddress: '10.0.0.4', rules: [{ a: 1 }] }]),
      privateIPAddresses: ['10.0.0.4'],
      weight: 0.25,
    }),
    node(`${RG}/microsoft.compute/virtualmachines/vm`, 'VirtualMachine', {
      name: 'vm',
      capacity: 3,
      ports: [22, 443],
      ratios: [0.5, 2],
      flags: [true, false],
      enabled: false,
      empty: [],
      big: 1_700_000_000_000,
    }),
  ],
  edges: [
    edge(`${RG}/microsoft.network/networkinterfaces/nic`, 'HAS_PUBLIC_IP', `${RG}/microsoft.network/publicipaddresses/pip`, { ipConfiguration: 'ipconfig1' }),
    edge(`${RG}/microsoft.network/networkinterfaces/nic`, 'ATTACHED_TO', `${RG}/microsoft.compute/virtualmachines/vm`),
    edge('internet', 'REACHES', `${RG}/microsoft.network/publicipaddresses/pip`, { ports: ['tcp/443'] }),
  ],
};
export const [INTERNET, PIP, NIC, VM] = SAMPLE.nodes.map((item) => item.id) as [string, string, string, string];

const STAMP_1: SyncStamp = { generation: 1000, seenAt: '2024-01-01T00:00:00.000Z' };
const STAMP_2: SyncStamp = { generation: 2000, seenAt: '2024-02-01T00:00:00.000Z' };

export function storeContract(backend: StoreBackend): void {
  describe.skipIf(!!backend.unavailable)(`${backend.name}: GraphStore contract`, { timeout: backend.timeoutMs ?? 5_000 }, () => {
    const handles: StoreHandle[] = [];
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((handle) => handle.dispose()));
    });
    const fresh = async () => {
      const handle = await backend.fresh();
      handles.push(handle);
      return { handle, store: await handle.open() };
    };
    const filled = async () => {
      const opened = await fresh();
      await opened.store.upsertNodes(SAMPLE.nodes);
      expect(await opened.store.upsertEdges(SAMPLE.edges)).toEqual([]);
      return opened;
    };

    describe('reading what was written', () => {
      it('returns an upserted node by id with its values as written, and undefined for an unknown id', async () => {
        const { store } = await filled();
        for (const item of SAMPLE.nodes) expect(await store.getNode(item.id)).toEqual(item);
        expect(await store.getNode('/subscriptions/s/nope')).toBeUndefined();
      });

      it('reads back the whole graph exactly', async () => {
        const { store } = await filled();
        expect(sorted(await store.readGraph())).toEqual(sorted(SAMPLE));
      });

      it('lists neighbours with their direction, edge and node, optionally filtered by edge kind', async () => {
        const { store } = await filled();
        expect(summarize(await store.neighbours(NIC))).toEqual([`out ATTACHED_TO ${VM}`, `out HAS_PUBLIC_IP ${PIP}`]);
        expect(summarize(await store.neighbours(PIP))).toEqual([`in HAS_PUBLIC_IP ${NIC}`, `in REACHES ${INTERNET}`]);
        expect(summarize(await store.neighbours(PIP, ['REACHES']))).toEqual([`in REACHES ${INTERNET}`]);
        expect(summarize(await store.neighbours(PIP, ['REACHES', 'HAS_PUBLIC_IP']))).toHaveLength(2);
        expect(summarize(await store.neighbours(NIC, ['REACHES', 'CONTAINS']))).toEqual([]);
        expect(await store.neighbours('/missing')).toEqual([]);
        const [attached] = await store.neighbours(VM);
        expect(attached).toEqual({ direction: 'in', edge: SAMPLE.edges[1], node: SAMPLE.nodes[2] });
      });

      it('keeps awkward strings as written: NUL, a lone surrogate, quotes and backslashes', async () => {
        const { store } = await fresh();
        const values = { nul: 'a\u0000b', surrogate: 'x\ud800y', quotes: `it's "q" \\ back` };
        await store.upsertNodes([{ ...node('/x/awkward', 'VirtualMachine'), properties: { name: 'awkward', ...values } }]);
        expect((await store.getNode('/x/awkward'))?.properties).toMatchObject(values);
      });

      it('counts nodes by kind', async () => {
        const { store } = await filled();
        await store.upsertNodes([node('/x/vm2', 'VirtualMachine'), node('/x/vm2', 'VirtualMachine')]);
        expect(await store.countNodesByKind()).toEqual({ Internet: 1, PublicIPAddress: 1, NetworkInterface: 1, VirtualMachine: 2 });
        expect(await (await fresh()).store.countNodesByKind()).toEqual({});
        expect(await (await fresh()).store.readGraph()).toEqual({ nodes: [], edges: [] });
      });
    });

    describe('upserts merge and are idempotent', () => {
      it('merges properties: new values win, null removes a key, keys not mentioned stay; the kind is replaced', async () => {
        const { store } = await fresh();
        await store.upsertNodes([node('/a', 'AzureResource', { name: 'a', stale: 'yes', tags: ['x=1'], count: 1 })]);
        await store.upsertNodes([node('/a', 'VirtualMachine', { name: 'a2', stale: null, count: 2.5 })]);
        expect(await store.getNode('/a')).toEqual(node('/a', 'VirtualMachine', { name: 'a2', tags: ['x=1'], count: 2.5 }));
        expect(await store.countNodesByKind()).toEqual({ VirtualMachine: 1 });
        expect((await store.readGraph()).nodes).toHaveLength(1);
      });

      it('merges copies of one node within a batch in order', async () => {
        const { store } = await fresh();
        await store.upsertNodes([node('/a', 'AzureResource', { x: 1, y: 1 }), node('/a', 'Subnet', { x: null, z: 3 })]);
        expect(await store.getNode('/a')).toEqual(node('/a', 'Subnet', { y: 1, z: 3 }));
      });

      it('stamps: firstSeen is kept, lastSeen and generation follow the latest stamp; no stamp adds none', async () => {
        const { store } = await fresh();
        await store.upsertNodes([node('/a', 'AzureResource', { name: 'a' }), node('/b', 'AzureResource')], STAMP_1);
        await store.upsertEdges([edge('/a', 'CONTAINS', '/b', { p: 1 })], STAMP_1);
        await store.upsertNodes([node('/a', 'AzureResource', { name: 'a' })], STAMP_2);
        await store.upsertEdges([edge('/a', 'CONTAINS', '/b', { p: 2 })], STAMP_2);
        await store.upsertNodes([node('/c', 'AzureResource', { name: 'c' })]);
        expect((await store.getNode('/a'))?.properties).toEqual({ name: 'a', firstSeen: STAMP_1.seenAt, lastSeen: STAMP_2.seenAt, generation: 2000 });
        expect((await store.getNode('/b'))?.properties).toEqual({ firstSeen: STAMP_1.seenAt, lastSeen: STAMP_1.seenAt, generation: 1000 });
        expect((await store.getNode('/c'))?.properties).toEqual({ name: 'c' });
        const [contains] = (await store.readGraph()).edges;
        expect(contains?.properties).toEqual({ p: 2, firstSeen: STAMP_1.seenAt, lastSeen: STAMP_2.seenAt, generation: 2000 });
      });

      it('keeps edges when a node is re-upserted', async () => {
        const { store } = await filled();
        await store.upsertNodes([node(NIC, 'NetworkInterface', { name: 'renamed' })]);
        expect((await store.readGraph()).edges).toHaveLength(SAMPLE.edges.length);
        expect((await store.getNode(NIC))?.properties.name).toBe('renamed');
      });

      it('keeps one edge per (source, kind, target), merging properties, and keeps kinds between the same nodes apart', async () => {
        const { store } = await filled();
        await store.upsertEdges(SAMPLE.edges);
        await store.upsertEdges([edge(NIC, 'HAS_PUBLIC_IP', PIP, { ipConfiguration: 'ipconfig2', extra: true })]);
        await store.upsertEdges([edge(NIC, 'HAS_PUBLIC_IP', PIP, { extra: null })]);
        await store.upsertEdges([edge(NIC, 'REACHES', PIP), edge(NIC, 'REACHES', PIP)]);
        const { edges } = await store.readGraph();
        expect(edges).toHaveLength(4);
        expect(edges.find((item) => item.kind === 'HAS_PUBLIC_IP')?.properties).toEqual({ ipConfiguration: 'ipconfig2' });
        const between = edges.filter((item) => item.source === NIC && item.target === PIP);
        expect(between.map((item) => item.kind).sort()).toEqual(['HAS_PUBLIC_IP', 'REACHES']);
      });

      it('skips and returns edges with a missing end, and writes the rest of the batch', async () => {
        const { store } = await filled();
        const missingTarget = edge(NIC, 'IN_SUBNET', '/subscriptions/s/missing-subnet');
        const missingSource = edge('/missing-source', 'CONTAINS', VM);
        const good = edge(VM, 'CONTAINS', NIC, { ok: true });
        const skipped = await store.upsertEdges([missingTarget, good, missingSource]);
        expect(skipped).toEqual([missingTarget, missingSource]);
        const { edges } = await store.readGraph();
        expect(edges).toHaveLength(SAMPLE.edges.length + 1);
        expect(edges).toContainEqual(good);
        expect(await store.getNode('/subscriptions/s/missing-subnet')).toBeUndefined();
      });

      it('gives the same graph when everything is upserted again', async () => {
        const { store } = await filled();
        const once = sorted(await store.readGraph());
        await store.upsertNodes(SAMPLE.nodes);
        await store.upsertEdges(SAMPLE.edges);
        expect(sorted(await store.readGraph())).toEqual(once);
      });
    });

    describe('ingest locks', () => {
      it('refuses a second holder naming the first, lets the holder take it again, and frees it on release', async () => {
        const { store } = await fresh();
        await store.acquireLock('/subscriptions/a', 'ingest one', 60_000);
        await store.acquireLock('/subscriptions/a', 'ingest one', 60_000);
        const refused = await store.acquireLock('/subscriptions/a', 'ingest two', 60_000).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(IngestLockedError);
        expect((refused as Error).message).toContain('ingest one');
        expect((refused as Error).message).toContain('/subscriptions/a');
        await store.acquireLock('/subscriptions/b', 'ingest two', 60_000);
        await store.releaseLock('/subscriptions/a', 'ingest two');
        await expect(store.acquireLock('/subscriptions/a', 'ingest two', 60_000)).rejects.toBeInstanceOf(IngestLockedError);
        await store.releaseLock('/subscriptions/a', 'ingest one');
        await store.acquireLock('/subscriptions/a', 'ingest two', 60_000);
      });

      it('lets another holder take over an expired lock', async () => {
        const { store } = await fresh();
        await store.acquireLock('/subscriptions/a', 'crashed', 50);
        await new Promise((resolve) => setTimeout(resolve, 120));
        await store.acquireLock('/subscriptions/a', 'next', 60_000);
        await expect(store.acquireLock('/subscriptions/a', 'crashed', 60_000)).rejects.toThrow(/next/);
      });

      it('names the holder and breaks a lock for anyone, or only for the holder named', async () => {
        const { store } = await fresh();
        await store.acquireLock('/subscriptions/a', 'stuck', 60_000);
        expect(await store.lockHolderOf('/subscriptions/a')).toBe('stuck');
        expect(await store.breakLock('/subscriptions/a', 'someone else')).toBe(false);
        await expect(store.acquireLock('/subscriptions/a', 'next', 60_000)).rejects.toBeInstanceOf(IngestLockedError);
        expect(await store.breakLock('/subscriptions/a', 'stuck')).toBe(true);
        await store.acquireLock('/subscriptions/a', 'next', 60_000);
        expect(await store.breakLock('/subscriptions/a')).toBe(true);
        expect(await store.lockHolderOf('/subscriptions/a')).toBeUndefined();
        expect(await store.breakLock('/subscriptions/a')).toBe(false);
      });

      it('holds the lock across store instances over the same data', async () => {
        const { handle, store } = await fresh();
        const other = await handle.open();
        await store.acquireLock('/subscriptions/a', 'first', 60_000);
        await expect(other.acquireLock('/subscriptions/a', 'second', 60_000)).rejects.toBeInstanceOf(IngestLockedError);
      });

      it('lets exactly one of several concurrent holders win', async () => {
        const { handle } = await fresh();
        const stores = await Promise.all([handle.open(), handle.open(), handle.open()]);
        const outcomes = await Promise.allSettled(stores.map((store, index) => store.acquireLock('/subscriptions/race', `holder ${index}`, 60_000)));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(IngestLockedError);
      });
    });

    describe('removing stale items', () => {
      const at = (family: string, scope: string, generation: number): Properties => ({ syncFamily: family, syncScope: scope, generation });
      const seed = async (store: GraphStore) => {
        await store.upsertNodes([
          node('internet', 'Internet', { name: 'Internet' }),
          node('/s1/vm-old', 'VirtualMachine', at('virtualMachines', '/s1', 1)),
          node('/s1/vm-old-2', 'VirtualMachine', at('virtualMachines', '/s1', 1)),
          node('/s1/vm-new', 'VirtualMachine', at('virtualMachines', '/s1', 3)),
          node('/s1/nic-old', 'NetworkInterface', at('networkInterfaces', '/s1', 1)),
          node('/s2/vm-old', 'VirtualMachine', at('virtualMachines', '/s2', 1)),
        ]);
        await store.upsertEdges([
          edge('/s1/nic-old', 'ATTACHED_TO', '/s1/vm-old', at('networkInterfaces', '/s1', 1)),
          edge('/s1/vm-old', 'CONTAINS', '/s1/vm-old-2', at('virtualMachines', '/s1', 1)),
          edge('/s1/nic-old', 'ATTACHED_TO', '/s1/vm-new', at('virtualMachines', '/s1', 1)),
          edge('/s1/nic-old', 'CONTAINS', '/s1/vm-new', at('networkInterfaces', '/s1', 1)),
          edge('internet', 'REACHES', '/s1/vm-old', {}),
          edge('internet', 'REACHES', '/s2/vm-old', at('virtualMachines', '/s2', 1)),
        ]);
      };

      it('removes only the family’s nodes and edges in the scope older than the generation, with their edges', async () => {
        const { store } = await fresh();
        await seed(store);
        const removed = await store.removeStale({ families: ['virtualMachines'], scope: '/s1', generation: 2 }, 1);
        // Nodes vm-old and vm-old-2; edges: nic→vm-new (family edge), nic→vm-old, vm-old→vm-old-2, internet→vm-old.
        expect(removed).toEqual({ nodes: 2, edges: 4 });
        const graph = sorted(await store.readGraph());
        expect(graph.nodes.map((item) => item.id)).toEqual(['/s1/nic-old', '/s1/vm-new', '/s2/vm-old', 'internet']);
        expect(graph.edges.map((item) => `${item.source} ${item.kind} ${item.target}`)).toEqual([
          '/s1/nic-old CONTAINS /s1/vm-new',
          'internet REACHES /s2/vm-old',
        ]);
        expect(await store.removeStale({ families: ['virtualMachines'], scope: '/s1', generation: 2 }, 100)).toEqual({ nodes: 0, edges: 0 });
      });

      it('never removes the internet node or anything newer than the generation', async () => {
        const { store } = await fresh();
        await seed(store);
        await store.removeStale({ families: ['virtualMachines'], scope: '/s1', generation: 3 }, 1000);
        await store.removeStale({ families: ['networkInterfaces'], scope: '/s1', generation: 3 }, 1000);
        await store.removeStale({ families: ['virtualMachines'], scope: '/s2', generation: 3 }, 1000);
        expect((await store.readGraph()).nodes.map((item) => item.id).sort()).toEqual(['/s1/vm-new', 'internet']);
      });
    });

    describe('analysis results', () => {
      const results = (version: number, paths: AnalysisResults['attackPaths'], exposed: boolean | null): AnalysisResults => ({
        version,
        computedAt: new Date(version).toISOString(),
        assets: [
          { id: VM, properties: { exposed, exposedPorts: exposed ? ['tcp/22'] : [], severity: exposed ? 'high' : 'none' } },
          { id: '/missing-asset', properties: { exposed: true } },
        ],
        attackPaths: paths,
      });
      const path1 = { id: 'path-1', entryId: VM, targetId: PIP, hops: [VM, NIC, PIP], properties: { score: 7.5, roleName: 'Owner', entryPorts: ['tcp/22'] } };
      const path2 = { id: 'path-2', entryId: VM, targetId: NIC, hops: [VM, NIC], properties: { score: 3 } };
      const broken = { id: 'path-broken', entryId: VM, targetId: PIP, hops: [VM, '/gone', PIP], properties: {} };

      /** What a reader sees: the AnalysisState's version and the attack paths of that version with their links. */
      async function current(store: GraphStore) {
        const graph = await store.readGraph();
        const state = graph.nodes.find((item) => item.id === ANALYSIS_STATE_ID);
        const version = state?.properties.currentVersion;
        const paths = graph.nodes.filter((item) => item.kind === 'AttackPath');
        const links = (id: string, kind: EdgeKind) =>
          graph.edges
            .filter((item) => item.source === id && item.kind === kind)
            .sort((a, b) => Number(a.properties.order ?? 0) - Number(b.properties.order ?? 0))
            .map((item) => (kind === 'VIA' ? `${item.properties.order}:${item.target}` : item.target));
        return {
          state,
          versions: [...new Set(paths.map((item) => item.properties.resultVersion))],
          paths: paths
            .filter((item) => item.properties.resultVersion === version)
            .map((item) => ({ id: item.id, properties: item.properties, startsAt: links(item.id, 'STARTS_AT'), targets: links(item.id, 'TARGETS'), via: links(item.id, 'VIA') }))
            .sort((a, b) => a.id.localeCompare(b.id)),
        };
      }

      it('writes asset results, attack paths with their links in order, and the current version', async () => {
        const { store } = await filled();
        await store.replaceAnalysisResults(results(10, [path1, path2, broken], true));
        const seen = await current(store);
        expect(seen.state).toEqual(node(ANALYSIS_STATE_ID, 'AnalysisState', { currentVersion: 10, computedAt: new Date(10).toISOString() }));
        expect(seen.versions).toEqual([10]);
        expect(seen.paths).toEqual([
          { id: 'path-1', properties: { ...path1.properties, resultVersion: 10 }, startsAt: [VM], targets: [PIP], via: [`0:${VM}`, `1:${NIC}`, `2:${PIP}`] },
          { id: 'path-2', properties: { ...path2.properties, resultVersion: 10 }, startsAt: [VM], targets: [NIC], via: [`0:${VM}`, `1:${NIC}`] },
        ]);
        const vm = await store.getNode(VM);
        expect(vm?.properties).toMatchObject({ exposed: true, exposedPorts: ['tcp/22'], severity: 'high', capacity: 3 });
        expect(await store.getNode('/missing-asset')).toBeUndefined();
        expect(await store.getNode('path-1')).toEqual(node('path-1', 'AttackPath', { ...path1.properties, resultVersion: 10 }));
      });

      it('replaces the previous results: old paths are gone, asset properties updated (null removes)', async () => {
        const { store } = await filled();
        await store.replaceAnalysisResults(results(10, [path1, path2], true));
        await store.replaceAnalysisResults(results(11, [{ ...path1, properties: { score: 1 } }], null));
        const seen = await current(store);
        expect(seen.state?.properties.currentVersion).toBe(11);
        expect(seen.versions).toEqual([11]);
        expect(seen.paths.map((item) => [item.id, item.properties])).toEqual([['path-1', { score: 1, resultVersion: 11 }]]);
        expect((await store.getNode(VM))?.properties).not.toHaveProperty('exposed');
        expect((await store.getNode(VM))?.properties.severity).toBe('none');
        expect((await store.readGraph()).nodes.filter((item) => item.kind === 'AttackPath')).toHaveLength(1);
        await store.replaceAnalysisResults(results(12, [], false));
        expect((await current(store)).versions).toEqual([]);
      });
    });
  });
}
