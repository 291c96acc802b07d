/**
 * Batch recomputation: project the stored graph into memory, run exposure,
 * attack paths and severity, and write the results back for saved queries.
 */
import type { GraphNode, Properties } from '../model/graph.js';
import type { GraphStore } from '../store/graph-store.js';
import { analysisResultsFor } from './attack-paths.js';
import { computeExposure } from './exposure.js';

export type RecomputeStage = 'reading' | 'analysing' | 'writing' | 'done';

export interface RecomputeSummary {
  version: number;
  computedAt: string;
  nodes: number;
  edges: number;
  assetsAnalysed: number;
  exposedAssets: number;
  attackPaths: number;
  /** Assets whose exposure differs from the previous run. */
  exposureChanges: number;
  durationMs: { read: number; analyse: number; write: number; total: number };
}

const EXPOSURE_KEYS = ['exposed', 'exposureWidth', 'exposedPorts'] as const;

function same(a: Properties[string] | undefined, b: Properties[string] | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Keeps the previous run's exposure beside the new one, so "what changed since
 * the last run" is a property comparison in Cypher.
 */
export function withPreviousExposure(node: GraphNode | undefined, next: Properties, computedAt: string): { properties: Properties; changed: boolean } {
  const previous = node?.properties ?? {};
  // An asset never analysed before counts as changed only when it is exposed now.
  const changed = previous.analysedAt === undefined ? next.exposed === true : EXPOSURE_KEYS.some((key) => !same(previous[key], next[key]));
  return {
    changed,
    properties: {
      ...next,
      previousExposed: previous.exposed ?? null,
      previousExposureWidth: previous.exposureWidth ?? null,
      previousExposedPorts: previous.exposedPorts ?? null,
      exposureChangedAt: changed ? computedAt : (previous.exposureChangedAt ?? computedAt),
      analysedAt: computedAt,
    },
  };
}

export async function recompute(store: GraphStore, onStage: (stage: RecomputeStage) => void = () => {}): Promise<RecomputeSummary> {
  const started = performance.now();
  onStage('reading');
  const graph = await store.readGraph();
  const read = performance.now();

  onStage('analysing');
  const state = graph.nodes.find((node) => node.kind === 'AnalysisState');
  const previousVersion = typeof state?.properties.currentVersion === 'number' ? state.properties.currentVersion : 0;
  const version = Math.max(Date.now(), previousVersion + 1);
  const computedAt = new Date(version).toISOString();
  const exposure = computeExposure(graph);
  const results = analysisResultsFor(graph, exposure);
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  let exposureChanges = 0;
  const assets = results.assets.map((asset) => {
    const { properties, changed } = withPreviousExposure(nodes.get(asset.id), asset.properties, computedAt);
    if (changed) exposureChanges += 1;
    return { id: asset.id, properties };
  });
  const analysed = performance.now();

  onStage('writing');
  await store.replaceAnalysisResults({ version, computedAt, assets, attackPaths: results.attackPaths });
  await store.flush();
  const written = performance.now();
  onStage('done');

  return {
    version,
    computedAt,
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    assetsAnalysed: assets.length,
    exposedAssets: exposure.report.assets.length,
    attackPaths: results.attackPaths.length,
    exposureChanges,
    durationMs: {
      read: Math.round(read - started),
      analyse: Math.round(analysed - read),
      write: Math.round(written - analysed),
      total: Math.round(written - started),
    },
  };
}
