import { stat } from 'node:fs/promises';
import { DEFAULT_STORE_FILE, EmbeddedStore } from './embedded-store.js';
import { type GraphStore, StoreError } from './graph-store.js';
import { isCypherStoreSpec } from './cypher/config.js';
import { GraphDatabaseStore } from './cypher/graph-database-store.js';

/**
 * Which store to open, first set wins: `--store`, REACHGRAPH_STORE,
 * NEO4J_URI (the conventional Neo4j variable, so `docker compose` setups need
 * nothing else), then the default embedded store file.
 */
export function resolveStoreSpec(spec: string | undefined, env: Record<string, string | undefined> = process.env): string {
  const set = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  return set(spec) ?? set(env.REACHGRAPH_STORE) ?? set(env.NEO4J_URI) ?? DEFAULT_STORE_FILE;
}

export const SUPPORTED_STORE_SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc', 'falkordb', 'falkordbs'] as const;

export interface OpenStoreOptions {
  /** Only commands that write a graph (ingest, sync) create an embedded store; readers refuse a missing one rather than report an empty estate. */
  create?: boolean;
}

/**
 * Opens the store `spec` names (resolved as above): a Neo4j or FalkorDB store
 * for `bolt://`, `neo4j://` (and `+s`/`+ssc`) or `falkordb://` addresses,
 * the embedded store file otherwise. Any other `scheme://` is refused, not
 * taken for a file name.
 */
export async function openStore(spec: string | undefined, options: OpenStoreOptions = {}): Promise<GraphStore> {
  const resolved = resolveStoreSpec(spec);
  if (isCypherStoreSpec(resolved)) return GraphDatabaseStore.open(resolved);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(resolved)?.[1];
  if (scheme) {
    throw new StoreError(`${scheme}:// is not a store reachgraph knows: use ${SUPPORTED_STORE_SCHEMES.map((name) => `${name}://`).join(', ')} or a file path for the embedded store`);
  }
  if (!options.create && !(await stat(resolved).catch(() => undefined))) {
    throw new StoreError(`No graph store at ${resolved}: run "reachgraph ingest <snapshot>" (or "reachgraph sync") first, or point --store at an existing store`);
  }
  return EmbeddedStore.open(resolved);
}
