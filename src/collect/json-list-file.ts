/**
 * A JSON list document written as its pages arrive — an ARM list
 * (`{"value":[…]}`), a Graph list response (`{"@odata.context", "value"}`) or
 * a kubectl List (`{"apiVersion":"v1","kind":"List",…,"items":[…]}`) — so
 * large listings never sit in memory whole. Pages go to `<file>.partial` and
 * the file takes its name only once the list is complete: a listing that
 * fails half-way never leaves a truncated file that reads as whole.
 */
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Items are written in chunks of about this many characters. */
const FLUSH_AT = 1 << 16;

export interface JsonListShape {
  /** Fields before the list, e.g. `{"@odata.context": …}`. */
  head?: Record<string, unknown>;
  /** `value` (ARM, Graph) or `items` (Kubernetes). */
  listKey?: 'value' | 'items';
  /** How an item becomes JSON (default JSON.stringify). */
  serialize?: (item: unknown) => string;
}

/**
 * Appends may come from concurrent tasks (one per resource): opening happens
 * once, and writes are chained so they reach the file in the order the items
 * were appended.
 */
export class JsonListFile {
  /** Items written since the list (re)started. */
  count = 0;
  private handle: Promise<FileHandle> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private chunks: string[] = [];
  private buffered = 0;
  private readonly prefix: string;
  private readonly serialize: (item: unknown) => string;

  constructor(
    readonly file: string,
    shape: JsonListShape = {},
  ) {
    const head = JSON.stringify(shape.head ?? {}).slice(0, -1);
    this.prefix = `${head}${head.length > 1 ? ',' : ''}"${shape.listKey ?? 'value'}":[`;
    this.serialize = shape.serialize ?? ((item) => JSON.stringify(item));
  }

  private get partial(): string {
    return `${this.file}.partial`;
  }

  async append(items: readonly unknown[]): Promise<void> {
    const opening = this.opened();
    for (const item of items) {
      const text = `${this.count === 0 ? '' : ','}${this.serialize(item)}`;
      this.chunks.push(text);
      this.buffered += text.length;
      this.count += 1;
    }
    if (this.buffered >= FLUSH_AT) await this.flush();
    else await opening;
  }

  /** Forgets every item written: the listing starts over. */
  async restart(): Promise<void> {
    await this.close();
    this.chunks = [];
    this.buffered = 0;
    this.count = 0;
  }

  /** Ends the list and gives the file its name. */
  async commit(): Promise<void> {
    this.opened();
    this.chunks.push(']}\n');
    await this.flush();
    await this.close();
    await rename(this.partial, this.file);
  }

  /** Removes the unfinished file, if any. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.partial, { force: true });
  }

  /** Opens the file on first use; the list's opening goes before anything appended. */
  private opened(): Promise<FileHandle> {
    if (!this.handle) {
      this.chunks = [this.prefix, ...this.chunks];
      // 'w' truncates: a restart begins a fresh file.
      this.handle = mkdir(path.dirname(this.file), { recursive: true }).then(() => open(this.partial, 'w'));
    }
    return this.handle;
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0 || !this.handle) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.buffered = 0;
    const handle = this.handle;
    this.writing = this.writing.then(async () => void (await (await handle).write(text)));
    await this.writing;
  }

  private async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return;
    await this.writing;
    await (await handle).close();
  }
}
