/**
 * `npm run bench`: load and analyse synthetic estates of growing size and
 * report wall time per stage and peak memory. Sizes: BENCH_VMS (comma list).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { computeExposure } from '../src/analysis/exposure.js';
import { loadSnapshot, writeGraph } from '../src/load/ingest.js';
import { EmbeddedStore } from '../src/store/embedded-store.js';
import { syntheticEstate } from './synthetic.js';

interface Result {
  vms: number;
  resources: number;
  nodes: number;
  edges: number;
  readAndTransformMs: number;
  storeWriteMs: number;
  exposureMs: number;
  exposedAssets: number;
  peakRssMiB: number;
}

async function time<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, Math.round(performance.now() - start)];
}

async function benchmark(vms: number): Promise<Result> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-bench-'));
  try {
    const resources = syntheticEstate(vms);
    await mkdir(path.join(directory, 'azure'));
    await writeFile(path.join(directory, 'azure', 'resources.json'), JSON.stringify({ count: resources.length, data: resources }));
    let peak = process.memoryUsage().rss;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const [loaded, readAndTransformMs] = await time(() => loadSnapshot(directory));
    const store = await EmbeddedStore.open(path.join(directory, 'graph.json'));
    const [, storeWriteMs] = await time(() => writeGraph(store, loaded.graph));
    const [exposure, exposureMs] = await time(async () => computeExposure(await store.readGraph()));
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      vms,
      resources: resources.length,
      nodes: loaded.graph.nodes.length,
      edges: loaded.graph.edges.length,
      readAndTransformMs,
      storeWriteMs,
      exposureMs,
      exposedAssets: exposure.report.assets.length,
      peakRssMiB: Math.round(peak / 2 ** 20),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const sizes = (process.env.BENCH_VMS ?? '1000,10000').split(',').map(Number);
const results: Result[] = [];
for (const size of sizes) {
  results.push(await benchmark(size));
  console.error(`bench: ${size} VMs done`);
}
console.table(results);
await mkdir(path.join('bench', 'out'), { recursive: true });
await writeFile(path.join('bench', 'out', 'results.json'), `${JSON.stringify({ node: process.version, cpus: os.cpus().length, results }, null, 2)}\n`);
