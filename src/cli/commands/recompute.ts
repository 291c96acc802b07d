import type { Command } from 'commander';
import { recompute } from '../../analysis/recompute.js';
import { openStore } from '../../store/open.js';

export function registerRecompute(program: Command): void {
  program
    .command('recompute')
    .description('compute exposure, attack paths and severity from the graph store and write the results back')
    .option('--store <file|uri>', 'graph store: a file, bolt://… / neo4j://… (Neo4j, or FalkorDB over Bolt) or falkordb://… (env REACHGRAPH_STORE, NEO4J_URI; default .reachgraph/graph.json)')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { store?: string; json?: boolean }) => {
      const store = await openStore(options.store);
      try {
        const summary = await recompute(store, (stage) => {
          if (process.stderr.isTTY && stage !== 'done') process.stderr.write(`recompute: ${stage}…\n`);
        });
        if (options.json) {
          console.log(JSON.stringify(summary, null, 2));
          return;
        }
        console.log(
          `Recomputed ${store.location} (version ${summary.version}): ${summary.assetsAnalysed} workloads analysed, ` +
            `${summary.exposedAssets} internet-exposed, ${summary.attackPaths} attack paths, ${summary.exposureChanges} exposure change(s).\n` +
            `Read ${summary.durationMs.read} ms, analyse ${summary.durationMs.analyse} ms, write ${summary.durationMs.write} ms.`,
        );
      } finally {
        await store.close();
      }
    });
}
