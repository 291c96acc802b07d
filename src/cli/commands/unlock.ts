import type { Command } from 'commander';
import { normalizeScope } from '../../snapshot/manifest.js';
import { openStore } from '../../store/open.js';

export function registerUnlock(program: Command): void {
  program
    .command('unlock')
    .description('remove the ingest lock of a scope left by an ingest that crashed on another host (one on this host is taken over by the next ingest)')
    .argument('<scope>', 'the locked scope: /subscriptions/<id> (or the bare id), an AKS cluster\'s ARM id, or tenant')
    .option('--store <file|uri>', 'graph store (env REACHGRAPH_STORE, NEO4J_URI; default .reachgraph/graph.json)')
    .action(async (scope: string, options: { store?: string }) => {
      const store = await openStore(options.store);
      try {
        const normalized = normalizeScope(scope);
        const holder = await store.lockHolderOf(normalized);
        if (holder === undefined || !(await store.breakLock(normalized, holder))) {
          console.log(`No ingest lock on ${normalized}.`);
          return;
        }
        console.log(`Removed the ingest lock of ${normalized} held by ${holder}.`);
      } finally {
        await store.close();
      }
    });
}
