import type { Command } from 'commander';
import { recompute } from '../../analysis/recompute.js';
import { redactSecrets } from '../../collect/connection/secrets.js';
import { openStore } from '../../store/open.js';
import { runSync, type SyncSummary } from '../../sync/sync.js';
import { UsageError } from '../errors.js';
import { formatLoadSummary } from '../format.js';
import { addAzureOptions, type AzureCliOptions, resolveConnections } from './azure-options.js';
import { collectConnections, formatCollectSummary, parseConcurrency } from './collect.js';

export const DEFAULT_SNAPSHOTS_DIR = '.reachgraph/snapshots';

export function parseKeep(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--keep takes a whole number of at least 1, not ${value}`);
  return n;
}

export interface SyncCliOptions extends AzureCliOptions {
  snapshots: string;
  keep: number;
  concurrency: number;
  entra: boolean;
}

/** Adds what `sync` and `serve --sync-every` share: the connection, where snapshots go, how many to keep. */
export function addSyncOptions(command: Command): Command {
  return addAzureOptions(command)
    .option('--snapshots <dir>', 'where dated snapshots are kept', DEFAULT_SNAPSHOTS_DIR)
    .option('--keep <n>', 'snapshots kept per connection; older ones are pruned after a successful ingest', parseKeep, 5)
    .option('--concurrency <n>', 'requests in flight at once per stage', parseConcurrency, 8)
    .option('--no-entra', 'skip Microsoft Graph (Entra ID)');
}

/** The collect step of a sync for these options. */
export function syncCollector(options: SyncCliOptions, quiet = false): (outFor: (name: string) => string) => ReturnType<typeof collectConnections> {
  return async (outFor) => {
    const resolved = await resolveConnections(options);
    const summaries = [];
    for (const item of resolved) {
      // One connection at a time, each into its own dated folder.
      const name = item.connection.name ?? 'default';
      summaries.push(...(await collectConnections([item], outFor(name), { concurrency: options.concurrency, entra: options.entra, quiet })));
    }
    return summaries;
  };
}

export function formatSyncSummary(summary: SyncSummary): string {
  return [
    ...summary.collections.map(formatCollectSummary),
    ...summary.ingests.map(formatLoadSummary),
    `Recomputed: ${summary.recompute.assetsAnalysed} workloads analysed, ${summary.recompute.exposedAssets} exposed.`,
    summary.pruned.length ? `Pruned ${summary.pruned.length} older snapshot(s).` : '',
    `Sync ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s.`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function registerSync(program: Command): void {
  addSyncOptions(
    program
      .command('sync')
      .description('collect the tenant, ingest the snapshot and recompute, in one command')
      .option('--store <file|uri>', 'graph store (env REACHGRAPH_STORE, NEO4J_URI; default .reachgraph/graph.json)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (options: SyncCliOptions & { store?: string; json?: boolean }) => {
    const store = await openStore(options.store, { create: true });
    try {
      const summary = await runSync({ dir: options.snapshots, keep: options.keep, store, collect: syncCollector(options), recompute: () => recompute(store) });
      console.log(redactSecrets(options.json ? JSON.stringify(summary, null, 2) : formatSyncSummary(summary)));
      if (summary.status !== 'succeeded') process.exitCode = 1;
    } finally {
      await store.close();
    }
  });
}
