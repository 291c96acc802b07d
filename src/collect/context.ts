import type { AzureConnection } from './connection/connection.js';
import type { CollectionOutcome } from './outcome.js';
import type { SnapshotWriter } from './snapshot-writer.js';

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  state: string;
}

/** Progress and notes for the person watching; never carries secrets. */
export interface CollectLog {
  stage(name: string, total: number): void;
  advance(name: string, by?: number): void;
  note(message: string): void;
}

export const silentLog: CollectLog = { stage() {}, advance() {}, note() {} };

/** What every collection stage gets: where to write, what it may reach, and where to report. */
export interface CollectContext {
  connection: AzureConnection;
  writer: SnapshotWriter;
  outcome: CollectionOutcome;
  log: CollectLog;
  /** The subscriptions to collect (visible to the credential, after include/exclude lists). */
  subscriptions: SubscriptionInfo[];
  /** The root management group (the tenant id) when the credential may read it: Resource Graph then answers for everything at once. */
  rootManagementGroup: string | undefined;
  /** Requests in flight at once per stage. */
  concurrency: number;
  signal?: AbortSignal;
}

/** Runs `work` over `items` with at most `limit` at once; a rejection is the caller's to prevent (work records its own failures). */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
