/**
 * Writes a snapshot the way ingest reads it, into a staging folder beside the
 * target that becomes the snapshot only when collection ends: a collection
 * that dies leaves no half snapshot that looks whole, and never touches a
 * snapshot already there.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JsonListFile } from './json-list-file.js';

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

  /** An ARM-style `{"value":[…]}` list file, streamed (see JsonListFile); `head` adds fields before `value`. */
  list(relative: string, head: Record<string, unknown> = {}): JsonListFile {
    return new JsonListFile(this.claim(relative), { head });
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
