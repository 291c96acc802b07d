import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { edgeKey, type GraphBatch, type GraphEdge, type GraphNode, type Properties } from '../model/graph.js';
import type { EdgeKind, NodeKind } from '../model/kinds.js';
import { ANALYSIS_STATE_ID } from '../model/results.js';
import { LockTable } from './embedded-locks.js';
import {
  type AnalysisResults,
  type GraphStore,
  type Neighbour,
  type RemovedCounts,
  type StaleSelector,
  StoreError,
  type SyncStamp,
} from './graph-store.js';

export const DEFAULT_STORE_FILE = path.join('.reachgraph', 'graph.json');

interface NodeAttributes {
  kind: NodeKind;
  properties: Properties;
}
interface EdgeAttributes {
  kind: EdgeKind;
  properties: Properties;
}
type StoreGraph = MultiDirectedGraph<NodeAttributes, EdgeAttributes>;

const FORMAT = 'reachgraph-embedded-graph';
const FORMAT_VERSION = 1;

/** The in-process store: a graphology multigraph, persisted as one JSON file. */
export class EmbeddedStore implements GraphStore {
  private pendingFlush: Promise<void> = Promise.resolve();
  private flushes = 0;
  private readonly locks: LockTable;

  private constructor(
    private readonly graph: StoreGraph,
    private readonly file: string | null,
  ) {
    this.locks = new LockTable(file ? `${file}.locks` : null);
  }

  get location(): string {
    return this.file ?? 'memory';
  }

  /** A store that lives only as long as the process (analysing a snapshot directly). */
  static inMemory(): EmbeddedStore {
    return new EmbeddedStore(newGraph(), null);
  }

  /** Opens the store file, or starts an empty graph when it does not exist yet. */
  static async open(file: string = DEFAULT_STORE_FILE): Promise<EmbeddedStore> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new EmbeddedStore(newGraph(), file);
      throw new StoreError(`Cannot read the graph store ${file}: ${(error as Error).message}`);
    }
    let document: { format?: unknown; version?: unknown; graph?: SerializedGraph<NodeAttributes, EdgeAttributes> } | null;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new StoreError(
        `The graph store ${file} is not valid JSON (${(error as Error).message}). ` +
          `Move it aside and run "reachgraph ingest <snapshot>" again to rebuild it.`,
      );
    }
    if (document?.format !== FORMAT || document.version !== FORMAT_VERSION || !document.graph) {
      throw new StoreError(
        `${file} is not a reachgraph graph store (format ${FORMAT} v${FORMAT_VERSION}). ` +
          `Point --store at a store file, or rebuild it with "reachgraph ingest <snapshot>".`,
      );
    }
    const graph = newGraph();
    try {
      graph.import(document.graph);
    } catch (error) {
      throw new StoreError(
        `The graph store ${file} is damaged (${(error as Error).message}). ` +
          `Move it aside and run "reachgraph ingest <snapshot>" again to rebuild it.`,
      );
    }
    return new EmbeddedStore(graph, file);
  }

  async upsertNodes(nodes: readonly GraphNode[], stamp?: SyncStamp): Promise<void> {
    for (const node of nodes) {
      const existing = this.graph.hasNode(node.id) ? this.graph.getNodeAttributes(node.id).properties : undefined;
      const attributes = { kind: node.kind, properties: mergeProperties(existing, node.properties, stamp) };
      if (existing) this.graph.replaceNodeAttributes(node.id, attributes);
      else this.graph.addNode(node.id, attributes);
    }
  }

  async upsertEdges(edges: readonly GraphEdge[], stamp?: SyncStamp): Promise<GraphEdge[]> {
    const skipped: GraphEdge[] = [];
    for (const edge of edges) {
      if (!this.graph.hasNode(edge.source) || !this.graph.hasNode(edge.target)) {
        skipped.push(edge);
        continue;
      }
      const key = edgeKey(edge);
      const existing = this.graph.hasEdge(key) ? this.graph.getEdgeAttributes(key).properties : undefined;
      const attributes = { kind: edge.kind, properties: mergeProperties(existing, edge.properties, stamp) };
      if (existing) this.graph.replaceEdgeAttributes(key, attributes);
      else this.graph.addDirectedEdgeWithKey(key, edge.source, edge.target, attributes);
    }
    return skipped;
  }

  async acquireLock(scope: string, holder: string, ttlMs: number): Promise<void> {
    await this.locks.acquire(scope, holder, ttlMs);
  }

  async releaseLock(scope: string, holder: string): Promise<void> {
    await this.locks.release(scope, holder);
  }

  lockHolderOf(scope: string): Promise<string | undefined> {
    return this.locks.holderOf(scope);
  }

  breakLock(scope: string, holder?: string): Promise<boolean> {
    return this.locks.break(scope, holder);
  }

  async removeStale(selector: StaleSelector): Promise<RemovedCounts> {
    const stale = (properties: Properties) =>
      typeof properties.syncFamily === 'string' &&
      selector.families.includes(properties.syncFamily) &&
      properties.syncScope === selector.scope &&
      typeof properties.generation === 'number' &&
      properties.generation < selector.generation;
    const edges = this.graph.filterEdges((_key, attributes) => stale(attributes.properties));
    for (const key of edges) this.graph.dropEdge(key);
    const nodes = this.graph.filterNodes((_id, attributes) => stale(attributes.properties));
    let edgesOfNodes = 0;
    for (const id of nodes) {
      edgesOfNodes += this.graph.degree(id);
      this.graph.dropNode(id);
    }
    return { nodes: nodes.length, edges: edges.length + edgesOfNodes };
  }

  /** The embedded store runs in one thread: applying everything before returning is atomic for readers. */
  async replaceAnalysisResults(results: AnalysisResults): Promise<void> {
    for (const asset of results.assets) {
      if (!this.graph.hasNode(asset.id)) continue;
      const attributes = this.graph.getNodeAttributes(asset.id);
      this.graph.replaceNodeAttributes(asset.id, { ...attributes, properties: mergeProperties(attributes.properties, asset.properties, undefined) });
    }
    for (const id of this.graph.filterNodes((_id, attributes) => attributes.kind === 'AttackPath')) this.graph.dropNode(id);
    for (const path of results.attackPaths) {
      if ([path.entryId, path.targetId, ...path.hops].some((id) => !this.graph.hasNode(id))) continue;
      this.graph.addNode(path.id, { kind: 'AttackPath', properties: { ...path.properties, resultVersion: results.version } });
      const link = (kind: EdgeKind, target: string, properties: Properties = {}) =>
        this.graph.mergeDirectedEdgeWithKey(edgeKey({ source: path.id, kind, target }), path.id, target, { kind, properties });
      link('STARTS_AT', path.entryId);
      link('TARGETS', path.targetId);
      path.hops.forEach((hop, order) => link('VIA', hop, { order }));
    }
    const state = { kind: 'AnalysisState' as const, properties: { currentVersion: results.version, computedAt: results.computedAt } };
    if (this.graph.hasNode(ANALYSIS_STATE_ID)) this.graph.replaceNodeAttributes(ANALYSIS_STATE_ID, state);
    else this.graph.addNode(ANALYSIS_STATE_ID, state);
  }

  async getNode(id: string): Promise<GraphNode | undefined> {
    return this.graph.hasNode(id) ? this.nodeOf(id) : undefined;
  }

  async neighbours(id: string, kinds?: readonly EdgeKind[]): Promise<Neighbour[]> {
    if (!this.graph.hasNode(id)) return [];
    const result: Neighbour[] = [];
    this.graph.forEachEdge(id, (_key, attributes, source, target) => {
      if (kinds && !kinds.includes(attributes.kind)) return;
      const outgoing = source === id;
      result.push({
        direction: outgoing ? 'out' : 'in',
        edge: { source, target, kind: attributes.kind, properties: attributes.properties },
        node: this.nodeOf(outgoing ? target : source),
      });
    });
    return result;
  }

  async readGraph(): Promise<GraphBatch> {
    const nodes: GraphNode[] = this.graph.mapNodes((id, attributes) => ({ id, kind: attributes.kind, properties: attributes.properties }));
    const edges: GraphEdge[] = this.graph.mapEdges((_key, attributes, source, target) => ({
      source,
      target,
      kind: attributes.kind,
      properties: attributes.properties,
    }));
    return { nodes, edges };
  }

  async countNodesByKind(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    this.graph.forEachNode((_id, attributes) => {
      counts[attributes.kind] = (counts[attributes.kind] ?? 0) + 1;
    });
    return counts;
  }

  /**
   * Writes to a temporary file first so a crash never leaves a half-written
   * store; flushes are serialised so the last one always wins.
   */
  flush(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const write = async () => {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      const temporary = `${file}.${process.pid}.${(this.flushes += 1)}.tmp`;
      const document = { format: FORMAT, version: FORMAT_VERSION, graph: this.graph.export() };
      await writeFile(temporary, JSON.stringify(document));
      await rename(temporary, file);
    };
    this.pendingFlush = this.pendingFlush.then(write, write);
    return this.pendingFlush;
  }

  async close(): Promise<void> {}

  private nodeOf(id: string): GraphNode {
    const attributes = this.graph.getNodeAttributes(id);
    return { id, kind: attributes.kind, properties: attributes.properties };
  }
}

/** Property merge shared by nodes and edges: new values win, null removes, sync stamps are kept up to date. */
function mergeProperties(existing: Properties | undefined, update: Properties, stamp: SyncStamp | undefined): Properties {
  const merged: Properties = { ...existing };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (stamp) {
    merged.firstSeen = existing?.firstSeen ?? stamp.seenAt;
    merged.lastSeen = stamp.seenAt;
    merged.generation = stamp.generation;
  }
  return merged;
}

function newGraph(): StoreGraph {
  return new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
}
