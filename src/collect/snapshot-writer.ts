/**
 * Writes a snapshot the way ingest reads it, into a staging folder beside the
 * target that becomes the snapshot only when collection ends: a collection
 * that dies leaves no half snapshot that looks whole, and never touches a
 * snapshot already there.
 */
import { mkdir, open, readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export class SnapshotTargetError extends Error {
  override readonly name = 'SnapshotTargetError';
}

export class SnapshotWriter {
  readonly staging: string;
  private readonly files = new Set<string>();

  private constructor(readonly target: string) {
    this.staging = `${target}.partial-${process.pid}`;
  }

  /** Refuses a target that already holds files: snapshots are never overwritten in place. */
  static async create(target: string): Promise<SnapshotWriter> {
    const resolved = path.resolve(target);
    const existing = await readdir(resolved).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new SnapshotTargetError(`cannot use ${resolved} as the snapshot folder (${error.code ?? error.message})`);
    });
    if (existing.length > 0) throw new SnapshotTargetError(`${resolved} is not empty: give --out a new folder (snapshots are never overwritten)`);
    const writer = new SnapshotWriter(resolved);
    await rm(writer.staging, { recursive: true, force: true });
    await mkdir(writer.staging, { recursive: true });
    return writer;
  }

  private claim(relative: string): string {
    const normalized = path.normalize(relative);
    if (normalized.startsWith('..') || path.isAbsolute(normalized)) throw new Error(`snapshot path escapes the snapshot: ${relative}`);
    if (this.files.has(normalized)) throw new Error(`snapshot file written twice: ${relative}`);
    this.files.add(normalized);
    return path.join(this.staging, normalized);
  }

  /** Writes one JSON document at a path relative to the snapshot root. */
  async writeJson(relative: string, document: unknown): Promise<void> {
    const file = this.claim(relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(document)}\n`);
  }

  /**
   * Starts a `{"value":[…]}` list file whose items are appended as they
   * arrive, so large listings never sit in memory whole. `head` adds fields
   * before `value` (e.g. `@odata.context`).
   */
  async openList(relative: string, head: Record<string, unknown> = {}): Promise<ListFile> {
    const file = this.claim(relative);
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    const prefix = JSON.stringify(head).slice(0, -1);
    await handle.write(`${prefix}${prefix.length > 1 ? ',' : ''}"value":[`);
    return new ListFile(handle);
  }

  /** Moves the staging folder into place; afterwards the snapshot is complete on disk. */
  async commit(): Promise<void> {
    await mkdir(path.dirname(this.target), { recursive: true });
    await rm(this.target, { recursive: true, force: true });
    await rename(this.staging, this.target);
  }

  async discard(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
  }
}

export class ListFile {
  count = 0;
  private buffer: string[] = [];

  constructor(private readonly handle: FileHandle) {}

  async append(items: readonly unknown[]): Promise<void> {
    for (const item of items) {
      this.buffer.push(`${this.count === 0 ? '' : ','}${JSON.stringify(item)}`);
      this.count += 1;
    }
    if (this.buffer.length >= 200) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    await this.handle.write(text);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.write(']}\n');
    await this.handle.close();
  }
}
