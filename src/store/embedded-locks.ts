import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { IngestLockedError } from './graph-store.js';

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
    // An expired or own lock is replaced; otherwise the exclusive create decides between racing ingests.
    if (current) await rm(file, { force: true });
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(record));
      await handle.close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = await this.read(scope);
      throw new IngestLockedError(scope, winner?.holder ?? 'another process', winner?.expiresAt ?? record.expiresAt);
    }
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

