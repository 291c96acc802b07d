import type { GraphBatch } from '../model/graph.js';
import type { NodeKind } from '../model/kinds.js';
import { readAzureSnapshot, type SnapshotProblem } from '../snapshot/read-azure.js';
import type { GraphStore } from '../store/graph-store.js';
import type { LoadWarning } from './context.js';
import { transformAzureResources } from './transform.js';

export interface LoadSummary {
  snapshot: string;
  store: string;
  files: number;
  resources: number;
  duplicateResources: number;
  nodes: number;
  edges: number;
  nodesByKind: Partial<Record<NodeKind, number>>;
  unknownTypes: Record<string, number>;
  danglingReferences: number;
  warnings: LoadWarning[];
  /** Files or records that could not be loaded; the rest was. */
  errors: SnapshotProblem[];
}

export interface LoadedSnapshot {
  graph: GraphBatch;
  summary: Omit<LoadSummary, 'store'>;
}

/** Reads and transforms a snapshot without touching a store. */
export async function loadSnapshot(root: string): Promise<LoadedSnapshot> {
  const snapshot = await readAzureSnapshot(root);
  const result = transformAzureResources(snapshot.resources);
  return {
    graph: result.graph,
    summary: {
      snapshot: root,
      files: snapshot.files.length,
      resources: snapshot.resources.length,
      duplicateResources: snapshot.duplicates,
      nodes: result.graph.nodes.length,
      edges: result.graph.edges.length,
      nodesByKind: result.nodesByKind,
      unknownTypes: result.unknownTypes,
      danglingReferences: result.danglingReferences,
      warnings: result.warnings,
      errors: snapshot.errors,
    },
  };
}

export interface IngestOptions {
  batchSize?: number;
  /** Called after each batch with how many items of the total are written. */
  onProgress?: (written: number, total: number) => void;
}

/** Writes a transformed graph into a store in batches: all nodes first, so every edge finds its ends. */
export async function writeGraph(store: GraphStore, graph: GraphBatch, options: IngestOptions = {}): Promise<void> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, not ${batchSize}`);
  const total = graph.nodes.length + graph.edges.length;
  let written = 0;
  for (let start = 0; start < graph.nodes.length; start += batchSize) {
    const batch = graph.nodes.slice(start, start + batchSize);
    await store.upsertNodes(batch);
    written += batch.length;
    options.onProgress?.(written, total);
  }
  for (let start = 0; start < graph.edges.length; start += batchSize) {
    const batch = graph.edges.slice(start, start + batchSize);
    await store.upsertEdges(batch);
    written += batch.length;
    options.onProgress?.(written, total);
  }
  await store.flush();
}

export async function ingestSnapshot(root: string, store: GraphStore, options: IngestOptions = {}): Promise<LoadSummary> {
  const { graph, summary } = await loadSnapshot(root);
  await writeGraph(store, graph, options);
  return { ...summary, store: store.location };
}
