import type { Server } from 'node:http';
import { computeExposure, type ExposureResult } from '../analysis/exposure.js';
import { recompute, type RecomputeSummary } from '../analysis/recompute.js';
import { loadCatalog } from '../queries/catalog.js';
import type { SavedQuery } from '../queries/saved-query.js';
import type { GraphStore } from '../store/graph-store.js';
import { createApp } from './app.js';
import { SyncRunner, type SyncSummary } from '../sync/sync.js';
import { JobRunner } from './jobs.js';

export interface ServeOptions {
  store: GraphStore;
  port: number;
  host: string;
  version: string;
  /** Recompute on this period (milliseconds); none when absent. */
  recomputeEveryMs?: number;
  /** Collect, ingest and recompute on a period; the sync's recompute goes through the job runner. */
  sync?: { everyMs: number; run(recompute: () => Promise<RecomputeSummary>): Promise<SyncSummary> };
}

export interface RunningServer {
  server: Server;
  jobs: JobRunner;
  sync: SyncRunner | undefined;
  /** Stops the schedule and the HTTP server. */
  close(): Promise<void>;
}

/** Starts the API; exposure is computed from the store on first use and again after each recompute. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  let exposure: Promise<ExposureResult> | undefined;
  let catalog: Promise<Map<string, SavedQuery>> | undefined;
  const jobs = new JobRunner(
    (onStage) => recompute(options.store, onStage),
    () => {
      exposure = undefined;
    },
  );
  const recomputeThroughJobs = async (): Promise<RecomputeSummary> => {
    const job = await jobs.runToEnd('sync');
    if (job.status !== 'succeeded' || !job.result) throw new Error(`recompute after sync failed: ${job.error ?? 'unknown error'}`);
    return job.result;
  };
  const sync = options.sync ? new SyncRunner(() => options.sync!.run(recomputeThroughJobs), options.sync.everyMs) : undefined;
  const app = createApp({
    store: options.store,
    ...(sync ? { sync: sync.state } : {}),
    version: options.version,
    jobs,
    catalog: () => {
      catalog ??= loadCatalog();
      catalog.catch(() => (catalog = undefined));
      return catalog;
    },
    exposure: () => {
      exposure ??= options.store.readGraph().then(computeExposure);
      exposure.catch(() => (exposure = undefined));
      return exposure;
    },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const timer = options.recomputeEveryMs ? setInterval(() => jobs.start('schedule'), options.recomputeEveryMs) : undefined;
  timer?.unref();
  let syncing: Promise<void> | undefined;
  const syncTimer = sync && options.sync ? setInterval(() => (syncing = sync.run()), options.sync.everyMs) : undefined;
  syncTimer?.unref();
  // A connector syncs when it starts, not one period later.
  if (sync) syncing = sync.run();
  return {
    server,
    jobs,
    sync,
    async close() {
      clearInterval(timer);
      clearInterval(syncTimer);
      await syncing;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.idle();
    },
  };
}
