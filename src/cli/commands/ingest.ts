import type { Command } from 'commander';
import { ingestSnapshot } from '../../load/ingest.js';
import { openStore } from '../../store/open.js';
import { UsageError } from '../errors.js';
import { formatLoadSummary } from '../format.js';
import { progressBar } from '../progress.js';

function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new UsageError(`--batch-size must be a whole number of at least 1, not ${value}`);
  return size;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('load a snapshot directory into the graph store')
    .argument('<snapshot>', 'snapshot directory (with an azure/ folder)')
    .option('--store <file|uri>', 'graph store: a file, bolt://… / neo4j://… (Neo4j, or FalkorDB over Bolt) or falkordb://… (env REACHGRAPH_STORE, NEO4J_URI; default .reachgraph/graph.json)')
    .option('--batch-size <n>', 'nodes or edges per write batch', parseBatchSize, 1000)
    .option('--assume-complete', 'treat every resource family as completely collected, so what the snapshot no longer holds is removed')
    .option('--json', 'print the load summary as JSON')
    .action(async (snapshot: string, options: { store?: string; batchSize: number; json?: boolean; assumeComplete?: boolean }) => {
      const store = await openStore(options.store, { create: true });
      const bar = progressBar('Writing graph');
      try {
        const summary = await ingestSnapshot(snapshot, store, {
          batchSize: options.batchSize,
          assumeComplete: options.assumeComplete ?? false,
          onProgress: bar.update,
        });
        bar.stop();
        console.log(options.json ? JSON.stringify(summary, null, 2) : formatLoadSummary(summary));
        // Bad files are reported and skipped so the rest loads; the exit code still tells scripts.
        if (summary.errors.length > 0) process.exitCode = 1;
      } finally {
        bar.stop();
        await store.close();
      }
    });
}
