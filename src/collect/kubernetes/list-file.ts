/**
 * One kind's dump, `pods.json`, as kubectl prints a `get -A -o json`: a
 * `List` whose items carry their own apiVersion and kind (the API server
 * leaves them off list items), streamed through JsonListFile.
 */
import path from 'node:path';
import { JsonListFile } from '../json-list-file.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops what can hold anything and serves no analysis: `kubectl apply`'s
 * copy of the last manifest (it embeds whatever was applied, and outlives
 * later edits) and managedFields (server-side apply bookkeeping, often half
 * an object's size). Env values stay: they are the pod spec, kubectl shows
 * them, and anyone able to list pods reads them anyway.
 */
export function stripObject(item: Record<string, unknown>): void {
  const metadata = item.metadata as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== 'object') return;
  delete metadata.managedFields;
  const annotations = metadata.annotations as Record<string, unknown> | undefined;
  if (annotations && typeof annotations === 'object' && LAST_APPLIED in annotations) {
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
}

/** The item as JSON with apiVersion and kind first, as kubectl prints it. */
function serialize(item: Record<string, unknown>, typeFields: string): string {
  stripObject(item);
  const json = JSON.stringify(item);
  if (item.kind !== undefined || item.apiVersion !== undefined) return json;
  return json === '{}' ? `{${typeFields}}` : `{${typeFields},${json.slice(1)}`;
}

/** The list file of one kind: a kubectl List whose items carry their apiVersion and kind, stripped as above. */
export function kindListFile(dir: string, name: string, apiVersion: string, kind: string): JsonListFile {
  const typeFields = `"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)}`;
  return new JsonListFile(path.join(dir, name), {
    head: { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } },
    listKey: 'items',
    serialize: (item) => serialize(item as Record<string, unknown>, typeFields),
  });
}
