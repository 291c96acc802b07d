import type { Server } from 'node:http';
import { computeExposure, type ExposureResult } from '../analysis/exposure.js';
import type { GraphStore } from '../store/graph-store.js';
import { createApp } from './app.js';

export interface ServeOptions {
  store: GraphStore;
  port: number;
  host: string;
  version: string;
}

/** Starts the API; exposure is computed from the store on first use and kept. */
export async function startServer(options: ServeOptions): Promise<Server> {
  let exposure: Promise<ExposureResult> | undefined;
  const app = createApp({
    store: options.store,
    version: options.version,
    exposure: () => {
      exposure ??= options.store.readGraph().then(computeExposure);
      exposure.catch(() => {
        exposure = undefined;
      });
      return exposure;
    },
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host, () => resolve(server));
    server.once('error', reject);
  });
}
