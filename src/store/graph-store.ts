import type { EdgeKind } from '../model/kinds.js';
import type { GraphBatch, GraphEdge, GraphNode, Properties } from '../model/graph.js';

export interface Neighbour {
  direction: 'out' | 'in';
  edge: GraphEdge;
  node: GraphNode;
}

/**
 * Written on every node and edge an ingest touches: `generation` and
 * `lastSeen` always, `firstSeen` when the item is new.
 */
export interface SyncStamp {
  generation: number;
  /** ISO-8601 time of the ingest. */
  seenAt: string;
}

/** What one cleanup removes: the items of these families in one scope that the current generation did not refresh. */
export interface StaleSelector {
  families: readonly string[];
  scope: string;
  generation: number;
}

export interface RemovedCounts {
  nodes: number;
  edges: number;
}

/** Analysis results for one asset: properties replaced on the asset node (see model/results.ts). */
export interface AssetResult {
  id: string;
  properties: Properties;
}

/** An attack path as stored: a node linked to its entry, its target and each hop in order. */
export interface AttackPathRecord {
  id: string;
  entryId: string;
  targetId: string;
  hops: string[];
  properties: Properties;
}

export interface AnalysisResults {
  /** Monotonic version; readers see one version's results, never a mix. */
  version: number;
  computedAt: string;
  /** Every workload analysed, exposed or not, so stale results are overwritten. */
  assets: AssetResult[];
  attackPaths: AttackPathRecord[];
}

/**
 * Where the graph lives. The embedded store and the Neo4j store implement the
 * same contract, so every stage above works with either.
 *
 * Upserts are idempotent: a node's properties are merged with the latest copy
 * (a null value removes a property), an edge is keyed by (source, kind, target).
 */
export interface GraphStore {
  /** Where the store is, for messages; never contains credentials. */
  readonly location: string;
  upsertNodes(nodes: readonly GraphNode[], stamp?: SyncStamp): Promise<void>;
  /** Writes the edges whose ends exist and returns the others, which are skipped. */
  upsertEdges(edges: readonly GraphEdge[], stamp?: SyncStamp): Promise<GraphEdge[]>;
  getNode(id: string): Promise<GraphNode | undefined>;
  neighbours(id: string, kinds?: readonly EdgeKind[]): Promise<Neighbour[]>;
  /** The whole graph, for analysis to project into memory. */
  readGraph(): Promise<GraphBatch>;
  countNodesByKind(): Promise<Record<string, number>>;
  /**
   * Takes the ingest lock of a scope or throws IngestLockedError naming the
   * holder. A lock whose holder died expires after `ttlMs`.
   */
  acquireLock(scope: string, holder: string, ttlMs: number): Promise<void>;
  releaseLock(scope: string, holder: string): Promise<void>;
  /** The holder of a scope's lock, if any (expired or not). */
  lockHolderOf(scope: string): Promise<string | undefined>;
  /** Removes a scope's lock whoever holds it — or only if `holder` still does; says whether one was removed. */
  breakLock(scope: string, holder?: string): Promise<boolean>;
  /** Removes, in batches, the families' nodes and edges in the scope older than the generation. */
  removeStale(selector: StaleSelector, batchSize: number): Promise<RemovedCounts>;
  /** Replaces the previous analysis results; readers see the old or the new ones, never a mix. */
  replaceAnalysisResults(results: AnalysisResults): Promise<void>;
  /** Makes what was written durable (the embedded store writes its file). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

export class IngestLockedError extends StoreError {
  override readonly name = 'IngestLockedError';
  constructor(
    readonly scope: string,
    readonly holder: string,
    expiresAt: string,
  ) {
    super(
      `Another ingest (${holder}) is writing ${scope} until ${expiresAt} at the latest. ` +
        `Wait for it to finish; if it crashed on another host, its lock expires at that time, or remove it with "reachgraph unlock ${scope}".`,
    );
  }
}
