import { DEFAULT_STORE_FILE, EmbeddedStore } from './embedded-store.js';
import { type GraphStore, StoreError } from './graph-store.js';

/** `--store`, then REACHGRAPH_STORE, then the default embedded store file. */
export function resolveStoreSpec(spec: string | undefined): string {
  return spec ?? process.env.REACHGRAPH_STORE ?? DEFAULT_STORE_FILE;
}

export function isBoltUri(spec: string): boolean {
  return /^(bolt|neo4j)(\+s|\+ssc)?:\/\//i.test(spec);
}

export async function openStore(spec: string | undefined): Promise<GraphStore> {
  const resolved = resolveStoreSpec(spec);
  if (isBoltUri(resolved)) {
    throw new StoreError(
      `${resolved} is a Bolt address, and this build of reachgraph keeps its graph in the embedded store only. ` +
        `Pass --store <file> (default ${DEFAULT_STORE_FILE}).`,
    );
  }
  return EmbeddedStore.open(resolved);
}
