import type { Server } from 'node:http';
import { computeExposure, type ExposureResult } from '../analysis/exposure.js';
import { recompute } from '../analysis/recompute.js';
import { loadCatalog } from '../queries/catalog.js';
import type { SavedQuery } from '../queries/saved-query.js';
import type { GraphStore } from '../store/graph-store.js';
import { createApp } from './app.js';
import { JobRunner } from './jobs.js';

export interface ServeOptions {
  store: GraphStore;
  port: number;
  host: string;
  version: string;
  /** Recompute on this period (milliseconds); none when absent. */
  recomputeEveryMs?: number;
}

export interface RunningServer {
  server: Server;
  jobs: JobRunner;
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
  const app = createApp({
    store: options.store,
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
  return {
    server,
    jobs,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.idle();
    },
  };
}
