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
