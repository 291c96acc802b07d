/**
 * `reachgraph sync`: collect → ingest → recompute, the way a connector keeps
 * its picture fresh. Each collection lands in a dated folder; older ones
 * beyond `keep` are pruned once a newer one is ingested. A collection that
 * fails outright ingests nothing, so the store keeps the previous data and
 * results; a partial one ingests what it got, and its manifest keeps ingest
 * from cleaning the families it missed.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RecomputeSummary } from '../analysis/recompute.js';
import type { CollectSummary } from '../collect/collect.js';
import { redactSecrets } from '../collect/connection/secrets.js';
import { ingestSnapshot, type LoadSummary } from '../load/ingest.js';
import type { GraphStore } from '../store/graph-store.js';

const DATED = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:-\d{3})?Z$/;

/** A folder name for now that sorts by time and is valid on every file system. */
export const datedFolder = (date = new Date()): string => date.toISOString().replace(/:/g, '-').replace(/\.(\d{3})Z$/, '-$1Z');

export interface SyncOptions {
  /** Where dated snapshots are kept (one sub-folder per connection). */
  dir: string;
  keep: number;
  store: GraphStore;
  /** Collects one snapshot per connection into `<dir>/<connection>/<dated>` and says what it got. */
  collect(outFor: (connectionName: string) => string): Promise<CollectSummary[]>;
  /** Recomputes after ingest; the server passes its job runner so two recomputes never overlap. */
  recompute(): Promise<RecomputeSummary>;
  onStage?(stage: 'collecting' | 'ingesting' | 'recomputing' | 'pruning'): void;
}

export interface SyncSummary {
  status: 'succeeded' | 'partial';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  collections: CollectSummary[];
  ingests: LoadSummary[];
  recompute: RecomputeSummary;
  pruned: string[];
}

async function prune(folder: string, keep: number): Promise<string[]> {
  const dated = (await readdir(folder).catch(() => [] as string[])).filter((name) => DATED.test(name)).sort().reverse();
  const old = dated.slice(keep).map((name) => path.join(folder, name));
  for (const item of old) await rm(item, { recursive: true, force: true });
  return old;
}

export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  const started = new Date();
  const stamp = datedFolder(started);
  const onStage = options.onStage ?? (() => {});
  onStage('collecting');
  const collections = await options.collect((name) => path.join(options.dir, name, stamp));
  onStage('ingesting');
  const ingests: LoadSummary[] = [];
  for (const collection of collections) ingests.push(await ingestSnapshot(collection.snapshot, options.store));
  onStage('recomputing');
  const recompute = await options.recompute();
  onStage('pruning');
  const pruned: string[] = [];
  for (const collection of collections) pruned.push(...(await prune(path.dirname(collection.snapshot), options.keep)));
  const finished = new Date();
  return {
    status: collections.some((collection) => collection.failed) || ingests.some((ingest) => ingest.errors.length > 0) ? 'partial' : 'succeeded',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    collections,
    ingests,
    recompute,
    pruned,
  };
}

/** What `/api/v1/health` shows of the server's syncs. */
export interface SyncState {
  running: boolean;
  everyMs: number;
  lastRun: { startedAt: string; finishedAt: string; status: 'succeeded' | 'partial' | 'failed'; error: string | null; snapshots: string[] } | null;
  lastSucceededAt: string | null;
}

/** Runs syncs one at a time and remembers the last outcome; a failure leaves the store as it was and shows here. */
export class SyncRunner {
  readonly state: SyncState;

  constructor(
    private readonly sync: () => Promise<SyncSummary>,
    everyMs: number,
  ) {
    this.state = { running: false, everyMs, lastRun: null, lastSucceededAt: null };
  }

  async run(): Promise<void> {
    if (this.state.running) return;
    this.state.running = true;
    const startedAt = new Date().toISOString();
    try {
      const summary = await this.sync();
      this.state.lastRun = { startedAt, finishedAt: summary.finishedAt, status: summary.status, error: null, snapshots: summary.collections.map((collection) => collection.snapshot) };
      this.state.lastSucceededAt = summary.finishedAt;
    } catch (error) {
      this.state.lastRun = { startedAt, finishedAt: new Date().toISOString(), status: 'failed', error: redactSecrets(error instanceof Error ? error.message : String(error)), snapshots: [] };
    } finally {
      this.state.running = false;
    }
  }
}
