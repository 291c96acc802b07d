import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { computeExposure } from '../../analysis/exposure.js';
import { recompute } from '../../analysis/recompute.js';
import { ingestSnapshot } from '../../load/ingest.js';
import { EmbeddedStore } from '../../store/embedded-store.js';
import { UsageError } from '../errors.js';
import { formatAttackPaths, formatExposure } from '../format.js';
import { type ListenOptions, serveStore } from './serve.js';

export const SAMPLE_SNAPSHOT = fileURLToPath(new URL('../../../examples/contoso', import.meta.url));

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('load the bundled Contoso sample estate, print its internet exposure and serve the API')
    .option('--store <file>', 'where to keep the demo graph', '.reachgraph/demo.json')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--no-serve', 'stop after printing the exposure')
    .action(async (options: ListenOptions & { store: string; serve: boolean }) => {
      // The demo always starts from the bundled data, never from a previous run's graph — but it replaces only a graph it made itself.
      const marker = `${options.store}.made-by-demo`;
      if (existsSync(options.store)) {
        if (!existsSync(marker)) throw new UsageError(`${options.store} exists and was not made by "reachgraph demo", which would replace it: pick another --store`);
        await rm(options.store, { force: true });
      }
      const store = await EmbeddedStore.open(options.store);
      const summary = await ingestSnapshot(SAMPLE_SNAPSHOT, store);
      await writeFile(marker, 'This graph store was made by "reachgraph demo", which replaces it on every run.\n');
      console.log(`Loaded the Contoso sample: ${summary.resources} resources → ${summary.nodes} nodes, ${summary.edges} edges.\n`);
      await recompute(store);
      const graph = await store.readGraph();
      console.log(formatExposure(computeExposure(graph).report.assets));
      console.log(`\n${formatAttackPaths(graph.nodes)}`);
      if (options.serve) {
        console.log('');
        await serveStore(store, options);
      } else {
        await store.close();
      }
    });
}
