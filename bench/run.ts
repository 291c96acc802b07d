/**
 * `npm run bench`: load and analyse synthetic estates of growing size and
 * report wall time per stage, throughput and peak memory.
 *
 *   BENCH_VMS=1000,10000     estate sizes in VMs (about 2.3 resources each)
 *   BENCH_STORE=bolt://…     also load into this Bolt store (Neo4j or FalkorDB) and recompute there
 *
 * Each (size, store) runs in a process of its own, so its peak RSS is the
 * kernel's count for that run alone (`process.resourceUsage().maxRSS`), not
 * a sampling timer that cannot fire during synchronous work.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recompute } from '../src/analysis/recompute.js';
import { ingestSnapshot } from '../src/load/ingest.js';
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
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** One run, in this (child) process: prints its result as JSON. */
async function runOne(job: { vms: number; directory: string; store: string }): Promise<void> {
  const embedded = job.store === 'embedded';
  const store = embedded ? await openStore(path.join(job.directory, 'graph.json'), { create: true }) : await openStore(job.store);
  try {
    console.log(JSON.stringify(await benchmark(job.vms, job.directory, store, embedded ? 'embedded' : job.store.replace(/\/\/[^@]*@/, '//'))));
  } finally {
    await store.close();
  }
}

/** Runs one (size, store) in a fresh process with the same loader (tsx) as this one. */
function inChild(job: { vms: number; directory: string; store: string }): Result {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`bench: ${job.vms} VMs on ${job.store} failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Result;
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_VMS ?? '1000,10000').split(',').map(Number);
  const bolt = process.env.BENCH_STORE;
  const results: Result[] = [];
  for (const vms of sizes) {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-bench-'));
    try {
      const resources = syntheticEstate(vms);
      await mkdir(path.join(directory, 'azure'));
      await writeFile(path.join(directory, 'azure', 'resources.json'), JSON.stringify({ count: resources.length, data: resources }));
      results.push(inChild({ vms, directory, store: 'embedded' }));
      if (bolt) results.push(inChild({ vms, directory, store: bolt }));
      console.error(`bench: ${vms} VMs done`);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
  console.table(results);
  await mkdir(path.join('bench', 'out'), { recursive: true });
  await writeFile(path.join('bench', 'out', 'results.json'), `${JSON.stringify({ node: process.version, cpus: os.cpus().length, results }, null, 2)}\n`);
}

if (process.env.BENCH_JOB) await runOne(JSON.parse(process.env.BENCH_JOB));
else await main();
