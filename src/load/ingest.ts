import type { GraphBatch, GraphEdge } from '../model/graph.js';
import type { NodeKind } from '../model/kinds.js';
import { type Manifest, normalizeScope, readManifest } from '../snapshot/manifest.js';
import { readAzureSnapshot, type SnapshotProblem } from '../snapshot/read-azure.js';
import { readKubernetesSnapshot } from '../snapshot/read-kubernetes.js';
import { type GraphStore, IngestLockedError, type SyncStamp } from '../store/graph-store.js';
import { holderIsGone, lockHolder } from '../store/lock-holder.js';
import type { LoadWarning } from './context.js';
import { ALL_FAMILY_KEYS } from './families/index.js';
import { transformKubernetes } from './kubernetes/index.js';
import { countByKind, transformAzureResources } from './transform.js';

export interface CleanupRecord {
  scope: string;
  /** The complete families cleaned in this scope. */
  families: string[];
  nodes: number;
  edges: number;
}

export interface LoadSummary {
  snapshot: string;
  store: string;
  generation: number;
  /** Azure and Kubernetes files read. */
  files: number;
  resources: number;
  /** Cluster folders under kubernetes/ matched to a managed cluster and loaded. */
  kubernetesClusters: number;
  /** Kubernetes objects of those folders (of the kinds reachgraph models). */
  kubernetesObjects: number;
  /** Kubernetes kinds reachgraph does not model, with how many objects of each were left out. */
  unknownKubernetesKinds: Record<string, number>;
  duplicateResources: number;
  nodes: number;
  edges: number;
  nodesByKind: Partial<Record<NodeKind, number>>;
  unknownTypes: Record<string, number>;
  /** Edges to resources neither the snapshot nor the store holds; they are left out. */
  danglingReferences: number;
  /** What was removed because a complete family no longer holds it. */
  cleanup: CleanupRecord[];
  /** Why nothing (or not everything) was cleaned up, when that is so. */
  cleanupNote: string | null;
  warnings: LoadWarning[];
  /** Files or records that could not be loaded; the rest was. */
  errors: SnapshotProblem[];
}

export interface LoadedSnapshot {
  /** Nodes and edges ready for analysis: edges to resources outside the snapshot are left out. */
  graph: GraphBatch;
  /** Every edge, including those to resources a store may already hold. */
  allEdges: GraphEdge[];
  manifest: Manifest | undefined;
  /** Warnings of the transform alone; `summary.warnings` adds the dangling references, which a store may resolve. */
  transformWarnings: LoadWarning[];
  /** Whether the snapshot itself holds a node. */
  holds(id: string): boolean;
  summary: Omit<LoadSummary, 'store' | 'generation' | 'cleanup' | 'cleanupNote'>;
}

function danglingWarnings(edges: readonly GraphEdge[], present: (id: string) => boolean): LoadWarning[] {
  return edges.map((edge) => ({
    subject: present(edge.source) ? edge.target : edge.source,
    message: `referenced by a ${edge.kind} edge but not loaded; the edge was left out`,
  }));
}

/** Reads and transforms a snapshot (Azure resources, then Kubernetes dumps) without touching a store. */
export async function loadSnapshot(root: string): Promise<LoadedSnapshot> {
  const [snapshot, kubernetesSnapshot, manifest] = await Promise.all([readAzureSnapshot(root), readKubernetesSnapshot(root), readManifest(root)]);
  const result = transformAzureResources(snapshot.resources);
  const kubernetes = transformKubernetes(kubernetesSnapshot, snapshot.resources);
  const nodes = [...result.graph.nodes, ...kubernetes.nodes];
  const nodeIds = new Set(nodes.map((node) => node.id));
  const allEdges = [...result.graph.edges, ...kubernetes.edges];
  const danglingEdges = allEdges.filter((edge) => !nodeIds.has(edge.source) || !nodeIds.has(edge.target));
  const dangling = new Set(danglingEdges);
  const edges = allEdges.filter((edge) => !dangling.has(edge));
  const transformWarnings = [...result.warnings, ...kubernetes.warnings];
  const holds = (id: string) => nodeIds.has(id);
  return {
    graph: { nodes, edges },
    allEdges,
    manifest,
    transformWarnings,
    holds,
    summary: {
      snapshot: root,
      files: snapshot.files.length + kubernetesSnapshot.files.length,
      resources: snapshot.resources.length,
      kubernetesClusters: kubernetes.clusters,
      kubernetesObjects: kubernetes.objects,
      unknownKubernetesKinds: kubernetes.unknownKinds,
      duplicateResources: snapshot.duplicates,
      nodes: nodes.length,
      edges: edges.length,
      nodesByKind: countByKind(nodes),
      unknownTypes: result.unknownTypes,
      danglingReferences: danglingEdges.length,
      warnings: [...transformWarnings, ...danglingWarnings(danglingEdges, holds)],
      errors: [...snapshot.errors, ...kubernetesSnapshot.errors],
    },
  };
}

export interface WriteOptions {
  batchSize?: number;
  stamp?: SyncStamp;
  /** Called after each batch with how many items of the total are written. */
  onProgress?: (written: number, total: number) => void;
}

/** Writes nodes, then edges, in batches; returns the edges whose ends the store does not hold. */
export async function writeGraph(store: GraphStore, graph: GraphBatch, options: WriteOptions = {}): Promise<GraphEdge[]> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, not ${batchSize}`);
  const total = graph.nodes.length + graph.edges.length;
  let written = 0;
  for (let start = 0; start < graph.nodes.length; start += batchSize) {
    const batch = graph.nodes.slice(start, start + batchSize);
    await store.upsertNodes(batch, options.stamp);
    written += batch.length;
    options.onProgress?.(written, total);
  }
  const skipped: GraphEdge[] = [];
  for (let start = 0; start < graph.edges.length; start += batchSize) {
    const batch = graph.edges.slice(start, start + batchSize);
    skipped.push(...(await store.upsertEdges(batch, options.stamp)));
    written += batch.length;
    options.onProgress?.(written, total);
  }
  return skipped;
}

export interface IngestOptions extends Omit<WriteOptions, 'stamp'> {
  /** Treat every family as completely collected in every scope of the snapshot (no manifest needed). */
  assumeComplete?: boolean;
  /** How long a crashed ingest's lock blocks others. */
  lockTtlMs?: number;
  /** Defaults to the current time in milliseconds, so generations grow. */
  generation?: number;
}

const DEFAULT_LOCK_TTL_MS = 30 * 60 * 1000;

/** Which (scope, family) pairs may be cleaned: complete in the manifest and not failed. */
function completeFamilies(manifest: Manifest | undefined, scopes: readonly string[], assumeComplete: boolean): Array<[string, string]> {
  if (assumeComplete) return scopes.flatMap((scope) => ALL_FAMILY_KEYS.map((family) => [scope, family] as [string, string]));
  if (!manifest) return [];
  return manifest.scopes.flatMap((entry) => {
    const scope = normalizeScope(entry.scope);
    const families = entry.complete.includes('*') ? ALL_FAMILY_KEYS : entry.complete;
    return families.filter((family) => !entry.failed.includes(family)).map((family) => [scope, family] as [string, string]);
  });
}

/**
 * Loads a snapshot into a store as one generation: locks the snapshot's
 * scopes, writes every node and edge stamped with the generation, then removes
 * what complete families no longer hold. Nothing is removed when the snapshot
 * had unreadable files, and a crash before the end leaves the previous
 * generation in place.
 */
/** Takes a scope's lock; a lock left by a process of this host that is gone is taken over at once rather than after its time-to-live. */
async function acquireTakingOverTheDead(store: GraphStore, scope: string, holder: string, ttlMs: number): Promise<void> {
  try {
    await store.acquireLock(scope, holder, ttlMs);
  } catch (error) {
    if (!(error instanceof IngestLockedError) || !holderIsGone(error.holder)) throw error;
    await store.breakLock(scope, error.holder);
    await store.acquireLock(scope, holder, ttlMs);
  }
}

export async function ingestSnapshot(root: string, store: GraphStore, options: IngestOptions = {}): Promise<LoadSummary> {
  const loaded = await loadSnapshot(root);
  const generation = options.generation ?? Date.now();
  const stamp: SyncStamp = { generation, seenAt: new Date(generation).toISOString() };
  const scopes = [...new Set(loaded.graph.nodes.map((node) => node.properties.syncScope).filter((scope): scope is string => typeof scope === 'string'))].sort();
  const holder = lockHolder(generation);

  const locked: string[] = [];
  try {
    for (const scope of scopes) {
      await acquireTakingOverTheDead(store, scope, holder, options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
      locked.push(scope);
    }
    const skipped = await writeGraph(store, { nodes: loaded.graph.nodes, edges: loaded.allEdges }, { ...options, stamp });
    const cleanup: CleanupRecord[] = [];
    let cleanupNote: string | null = null;
    if (loaded.summary.errors.length > 0) {
      cleanupNote = 'nothing was cleaned up: some files could not be read, so no family is known to be complete';
    } else {
      const pairs = completeFamilies(loaded.manifest, scopes, options.assumeComplete ?? false);
      if (pairs.length === 0) cleanupNote = 'nothing was cleaned up: no manifest.json declares a complete family (or pass --assume-complete)';
      const familiesByScope = new Map<string, string[]>();
      for (const [scope, family] of pairs) familiesByScope.set(scope, [...(familiesByScope.get(scope) ?? []), family]);
      for (const [scope, families] of familiesByScope) {
        const removed = await store.removeStale({ families, scope, generation }, options.batchSize ?? 1000);
        if (removed.nodes + removed.edges > 0) cleanup.push({ scope, families, ...removed });
      }
    }
    await store.flush();
    return {
      ...loaded.summary,
      store: store.location,
      generation,
      edges: loaded.allEdges.length - skipped.length,
      danglingReferences: skipped.length,
      warnings: [...loaded.transformWarnings, ...danglingWarnings(skipped, loaded.holds)],
      cleanup,
      cleanupNote,
    };
  } finally {
    for (const scope of locked) await store.releaseLock(scope, holder);
  }
}
