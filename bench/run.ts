/**
 * `npm run bench`: load and analyse synthetic estates of growing size and
 * report wall time per stage, throughput and peak memory.
 *
 *   BENCH_VMS=1000,10000     estate sizes in VMs (about 2.3 resources each)
 *   BENCH_STORE=bolt://…     also load into this Bolt store (Neo4j or FalkorDB) and recompute there
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recompute } from '../src/analysis/recompute.js';
import { ingestSnapshot } from '../src/load/ingest.js';
import { EmbeddedStore } from '../src/store/embedded-store.js';
import type { GraphStore } from '../src/store/graph-store.js';
import { openStore } from '../src/store/open.js';
import { syntheticEstate } from './synthetic.js';

interface Result {
  store: string;
  vms: number;
  resources: number;
  nodes: number;
  edges: number;
  ingestMs: number;
  entitiesPerSecond: number;
  recomputeMs: number;
  exposedAssets: number;
  attackPaths: number;
  peakRssMiB: number;
}

async function benchmark(vms: number, directory: string, store: GraphStore, label: string): Promise<Result> {
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const started = performance.now();
    const summary = await ingestSnapshot(directory, store, { assumeComplete: true });
    const ingestMs = Math.round(performance.now() - started);
    const recomputed = await recompute(store);
    return {
      store: label,
      vms,
      resources: summary.resources,
      nodes: summary.nodes,
      edges: summary.edges,
      ingestMs,
      entitiesPerSecond: Math.round(((summary.nodes + summary.edges) / ingestMs) * 1000),
      recomputeMs: recomputed.durationMs.total,
      exposedAssets: recomputed.exposedAssets,
      attackPaths: recomputed.attackPaths,
      peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
    };
  } finally {
    clearInterval(sample);
  }
}

const sizes = (process.env.BENCH_VMS ?? '1000,10000').split(',').map(Number);
const bolt = process.env.BENCH_STORE;
const results: Result[] = [];
for (const vms of sizes) {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-bench-'));
  try {
    const resources = syntheticEstate(vms);
    await mkdir(path.join(directory, 'azure'));
    await writeFile(path.join(directory, 'azure', 'resources.json'), JSON.stringify({ count: resources.length, data: resources }));
    const embedded = await EmbeddedStore.open(path.join(directory, 'graph.json'));
    results.push(await benchmark(vms, directory, embedded, 'embedded'));
    if (bolt) {
      const store = await openStore(bolt);
      try {
        results.push(await benchmark(vms, directory, store, bolt.replace(/\/\/[^@]*@/, '//')));
      } finally {
        await store.close();
      }
    }
    console.error(`bench: ${vms} VMs done`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
console.table(results);
await mkdir(path.join('bench', 'out'), { recursive: true });
await writeFile(path.join('bench', 'out', 'results.json'), `${JSON.stringify({ node: process.version, cpus: os.cpus().length, results }, null, 2)}\n`);
