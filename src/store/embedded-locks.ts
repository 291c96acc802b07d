import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IngestLockedError } from './graph-store.js';

/** A takeover guard older than this was left by a process that died while taking over a lock. */
const STALE_GUARD_MS = 10_000;

interface LockRecord {
  scope: string;
  holder: string;
  expiresAt: string;
}

/**
 * Ingest locks of the embedded store: one file per scope beside the store,
 * created exclusively so two processes cannot both take it; in memory for a
 * store without a file.
 */
export class LockTable {
  private readonly memory = new Map<string, LockRecord>();

  constructor(private readonly directory: string | null) {}

  async acquire(scope: string, holder: string, ttlMs: number): Promise<void> {
    const record: LockRecord = { scope, holder, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
    // In memory, check and take without yielding, so concurrent callers cannot both see it free.
    const current = this.directory ? await this.read(scope) : this.memory.get(scope);
    if (current && current.holder !== holder && Date.parse(current.expiresAt) > Date.now()) {
      throw new IngestLockedError(scope, current.holder, current.expiresAt);
    }
    if (!this.directory) {
      this.memory.set(scope, record);
      return;
    }
    await mkdir(this.directory, { recursive: true });
    const file = this.fileOf(scope);
    // An expired or own lock is removed first; then the exclusive create decides between racing ingests.
    if (current) await this.removeIfUnchanged(scope, current);
    // Written aside and linked into place: the lock file appears whole, and link() fails if it exists.
    const draft = `${file}.${randomUUID()}`;
    await writeFile(draft, JSON.stringify(record));
    try {
      await link(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = await this.read(scope);
      const live = winner && Date.parse(winner.expiresAt) > Date.now();
      throw new IngestLockedError(scope, live ? winner.holder : 'another process', live ? winner.expiresAt : record.expiresAt);
    } finally {
      await rm(draft, { force: true });
    }
  }

  /**
   * Removes the lock file if it still holds `seen`, under a takeover guard
   * (a second file created exclusively): two processes that both saw a lock
   * expire must not both remove it, or the slower one would remove the lock
   * the faster one has just taken.
   */
  private async removeIfUnchanged(scope: string, seen: LockRecord): Promise<void> {
    const file = this.fileOf(scope);
    const guard = `${file}.takeover`;
    try {
      await (await open(guard, 'wx')).close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(guard).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_GUARD_MS) await rm(guard, { force: true });
      return;
    }
    try {
      const now = await this.read(scope);
      if (now?.holder === seen.holder && now.expiresAt === seen.expiresAt) await rm(file, { force: true });
    } finally {
      await rm(guard, { force: true });
    }
  }

  async holderOf(scope: string): Promise<string | undefined> {
    return (await this.read(scope))?.holder;
  }

  async break(scope: string, holder?: string): Promise<boolean> {
    const current = await this.read(scope);
    if (!current || (holder !== undefined && current.holder !== holder)) return false;
    if (!this.directory) return this.memory.delete(scope);
    await this.removeIfUnchanged(scope, current);
    return (await this.read(scope)) === undefined;
  }

  async release(scope: string, holder: string): Promise<void> {
    const current = await this.read(scope);
    if (current?.holder !== holder) return;
    if (this.directory) await rm(this.fileOf(scope), { force: true });
    else this.memory.delete(scope);
  }

  private async read(scope: string): Promise<LockRecord | undefined> {
    if (!this.directory) return this.memory.get(scope);
    try {
      return JSON.parse(await readFile(this.fileOf(scope), 'utf8')) as LockRecord;
    } catch {
      return undefined;
    }
  }

  private fileOf(scope: string): string {
    return path.join(this.directory!, `${createHash('sha256').update(scope).digest('hex').slice(0, 32)}.lock`);
  }
}

