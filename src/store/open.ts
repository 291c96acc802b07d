import { DEFAULT_STORE_FILE, EmbeddedStore } from './embedded-store.js';
import type { GraphStore } from './graph-store.js';
import { isCypherStoreSpec } from './neo4j/config.js';
import { Neo4jStore } from './neo4j/neo4j-store.js';

/**
 * Which store to open, first set wins: `--store`, REACHGRAPH_STORE,
 * NEO4J_URI (the conventional Neo4j variable, so `docker compose` setups need
 * nothing else), then the default embedded store file.
 */
export function resolveStoreSpec(spec: string | undefined, env: Record<string, string | undefined> = process.env): string {
  const set = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  return set(spec) ?? set(env.REACHGRAPH_STORE) ?? set(env.NEO4J_URI) ?? DEFAULT_STORE_FILE;
}

/**
 * Opens the store `spec` names (resolved as above): a Neo4j or FalkorDB store
 * for `bolt://`, `neo4j://` (and `+s`/`+ssc`) or `falkordb://` addresses,
 * the embedded store file otherwise.
 */
export async function openStore(spec: string | undefined): Promise<GraphStore> {
  const resolved = resolveStoreSpec(spec);
  if (isCypherStoreSpec(resolved)) return Neo4jStore.open(resolved);
  return EmbeddedStore.open(resolved);
}
