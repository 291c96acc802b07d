/**
 * One kind's dump, `pods.json`, written page by page as kubectl prints a
 * `get -A -o json`: a `List` whose items carry their own apiVersion and kind
 * (the API server leaves them off list items). Pages go to `pods.json.partial`
 * and the file takes its name only once the listing is complete, so a failed
 * or interrupted listing never leaves a truncated dump that reads as whole.
 */
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const HEADER = '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[';

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

export class ListFile {
  readonly file: string;
  private readonly partial: string;
  private readonly typeFields: string;
  private handle: FileHandle | undefined;
  private empty = true;
  /** Objects written since the last restart. */
  count = 0;

  constructor(dir: string, name: string, apiVersion: string, kind: string) {
    this.file = path.join(dir, name);
    this.partial = `${this.file}.partial`;
    this.typeFields = `"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)}`;
  }

  /** Writes one page; items are stripped in place and not kept. */
  async append(items: readonly unknown[]): Promise<void> {
    const handle = await this.opened();
    if (items.length === 0) return;
    const text = items.map((item) => serialize(item as Record<string, unknown>, this.typeFields)).join(',\n');
    await handle.writeFile(`${this.empty ? '\n' : ',\n'}${text}`);
    this.empty = false;
    this.count += items.length;
  }

  /** Forgets every page written: the listing starts over. */
  async restart(): Promise<void> {
    await this.close();
    this.empty = true;
    this.count = 0;
  }

  /** Ends the list and gives the file its name. */
  async commit(): Promise<void> {
    const handle = await this.opened();
    await handle.writeFile(this.empty ? ']}\n' : '\n]}\n');
    await this.close();
    await rename(this.partial, this.file);
  }

  /** Removes the unfinished file, if any. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.partial, { force: true });
  }

  private async opened(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(path.dirname(this.file), { recursive: true });
    // 'w' truncates: a restart begins a fresh file.
    this.handle = await open(this.partial, 'w');
    await this.handle.writeFile(HEADER);
    return this.handle;
  }

  private async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
