import type { EdgeKind } from '../model/kinds.js';
import type { GraphBatch, GraphEdge, GraphNode } from '../model/graph.js';

export interface Neighbour {
  direction: 'out' | 'in';
  edge: GraphEdge;
  node: GraphNode;
}

/**
 * Where the graph lives. The embedded store and the Neo4j store implement the
 * same contract, so every stage above works with either.
 *
 * Upserts are idempotent: a node's properties are replaced by the latest copy,
 * an edge is keyed by (source, kind, target).
 */
export interface GraphStore {
  /** Where the store is, for messages; never contains credentials. */
  readonly location: string;
  upsertNodes(nodes: readonly GraphNode[]): Promise<void>;
  /** Both endpoints must exist; an edge to a missing node is an error. */
  upsertEdges(edges: readonly GraphEdge[]): Promise<void>;
  getNode(id: string): Promise<GraphNode | undefined>;
  neighbours(id: string, kinds?: readonly EdgeKind[]): Promise<Neighbour[]>;
  /** The whole graph, for analysis to project into memory. */
  readGraph(): Promise<GraphBatch>;
  countNodesByKind(): Promise<Record<string, number>>;
  /** Makes what was written durable (the embedded store writes its file). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
}
