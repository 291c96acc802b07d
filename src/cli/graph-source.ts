import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadSnapshot, type LoadedSnapshot } from '../load/ingest.js';
import type { GraphBatch } from '../model/graph.js';
import { isCypherStoreSpec } from '../store/cypher/config.js';
import { openStore, resolveStoreSpec } from '../store/open.js';
import { UsageError } from './errors.js';

export interface GraphSource {
  graph: GraphBatch;
  /** Present when the graph came straight from a snapshot directory. */
  loaded?: LoadedSnapshot;
}

/** `exposure` and friends accept either a snapshot directory or a graph store. */
export async function readGraphSource(target: string | undefined, storeOption: string | undefined): Promise<GraphSource> {
  if (target) {
    const info = await stat(target).catch(() => undefined);
    if (info?.isDirectory()) {
      const azure = await stat(path.join(target, 'azure')).catch(() => undefined);
      if (azure?.isDirectory()) {
        const loaded = await loadSnapshot(target);
        return { graph: loaded.graph, loaded };
      }
    }
  }
  const spec = resolveStoreSpec(target ?? storeOption);
  if (!isCypherStoreSpec(spec) && !(await stat(spec).catch(() => undefined))?.isFile()) {
    throw new UsageError(
      target
        ? `${target} is neither a snapshot directory (with an azure/ folder) nor a graph store file.`
        : `No graph store at ${spec}. Run "reachgraph ingest <snapshot>" first, or pass a snapshot directory.`,
    );
  }
  const store = await openStore(spec);
  try {
    return { graph: await store.readGraph() };
  } finally {
    await store.close();
  }
}

/**
 * A snapshot with unreadable files still produces output for what loaded; the
 * errors go to stderr and the exit code says the input was partial.
 */
export function reportPartialLoad(source: GraphSource): void {
  const errors = source.loaded?.summary.errors ?? [];
  for (const error of errors) console.error(`reachgraph: ${error.path}: ${error.message}`);
  if (errors.length > 0) process.exitCode = 1;
}
