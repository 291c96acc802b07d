import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import ms from 'ms';
import { type ServeOptions, startServer } from '../../serve/server.js';
import { runSync } from '../../sync/sync.js';
import type { GraphStore } from '../../store/graph-store.js';
import { openStore } from '../../store/open.js';
import { UsageError } from '../errors.js';
import { VERSION } from '../../version.js';
import { addSyncOptions, type SyncCliOptions, syncCollector } from './sync.js';

export interface ListenOptions {
  port: string;
  host: string;
  /** A recompute period such as 15m or 1h. */
  every?: string;
  /** A sync (collect → ingest → recompute) period. */
  syncEvery?: string;
}

export function parsePeriod(text: string, flag = '--every'): number {
  const period = ms(text as ms.StringValue);
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 10_000) {
    throw new UsageError(`${flag} takes a period of at least 10s, such as 15m or 1h, not ${text}`);
  }
  return period;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${text}`);
  return port;
}

/** Serves until SIGINT/SIGTERM, then closes the store cleanly. */
export async function serveStore(store: GraphStore, options: ListenOptions, sync?: ServeOptions['sync']): Promise<void> {
  const running = await startServer({
    store,
    port: parsePort(options.port),
    host: options.host,
    version: VERSION,
    ...(options.every ? { recomputeEveryMs: parsePeriod(options.every) } : {}),
    ...(sync ? { sync } : {}),
  });
  const { address, port } = running.server.address() as AddressInfo;
  console.error(`reachgraph API on http://${address.includes(':') ? `[${address}]` : address}:${port}/api/v1/health (store: ${store.location}); Ctrl-C stops it.`);
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await store.close();
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('serve the HTTP API over the graph store')
    .option('--store <file|uri>', 'graph store: a file, bolt://… / neo4j://… (Neo4j, or FalkorDB over Bolt) or falkordb://… (env REACHGRAPH_STORE, NEO4J_URI; default .reachgraph/graph.json)')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to bind; 0.0.0.0 exposes the API to the network', '127.0.0.1')
    .option('--every <period>', 'recompute exposure, attack paths and severity on this period, e.g. 15m')
    .option('--sync-every <period>', 'collect the Azure tenant, ingest and recompute on this period, e.g. 6h (the options below say how to connect)');
  addSyncOptions(serve).action(async (options: ListenOptions & SyncCliOptions & { store?: string }) => {
    const syncEveryMs = options.syncEvery ? parsePeriod(options.syncEvery, '--sync-every') : undefined;
    // A server that syncs fills its store itself; one that only serves needs one already there.
    const store = await openStore(options.store, { create: syncEveryMs !== undefined });
    const sync: ServeOptions['sync'] = syncEveryMs
      ? {
          everyMs: syncEveryMs,
          run: (recompute) => runSync({ dir: options.snapshots, keep: options.keep, store, collect: syncCollector(options, true), recompute }),
        }
      : undefined;
    await serveStore(store, options, sync);
  });
}
