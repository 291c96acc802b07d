/**
 * The property-graph vocabulary shared by every stage: what a node and an edge
 * look like on their way into a graph store and back out of it.
 *
 * Property values are kept flat (scalars and arrays of scalars) because Neo4j
 * and FalkorDB store nothing richer; structured data such as NSG rules is
 * carried as JSON text in the properties the model marks as such (see kinds.ts).
 */
import type { EdgeKind, NodeKind } from './kinds.js';

export type Scalar = string | number | boolean;
export type PropertyValue = Scalar | string[] | number[] | boolean[] | null;
export type Properties = Record<string, PropertyValue>;

export interface GraphNode {
  /** Lowercased ARM id, `internet`, or a derived id (see ids.ts). */
  id: string;
  kind: NodeKind;
  properties: Properties;
}

export interface GraphEdge {
  source: string;
  target: string;
  kind: EdgeKind;
  properties: Properties;
}

export interface GraphBatch {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One edge per (source, kind, target): merging twice is a no-op. */
export function edgeKey(edge: Pick<GraphEdge, 'source' | 'kind' | 'target'>): string {
  return `${edge.source}|${edge.kind}|${edge.target}`;
}
