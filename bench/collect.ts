/**
 * What collecting a large tenant costs: `npx tsx bench/collect.ts`.
 *
 * The fake tenant (bench/fake-tenant-server.ts: 10 subscriptions, 50,000
 * resources, two public AKS clusters of 2,000 pods — one with local accounts,
 * one Entra ID–integrated — and a directory of 2,000 users) runs in a child
 * process; the built CLI, `node bin/reachgraph.js collect azure --out <tmp>
 * --json`, runs in another under GNU time, so its wall time, CPU time
 * (user + sys, from the kernel's rusage of that process) and peak RSS are
 * the collector's alone. Each run gets a fresh fake tenant, so Resource
 * Graph's quota window starts anew. Prints a markdown table, one row per run
 * and the median.
 *
 *   BENCH_RUNS=3                       runs (default 3)
 *   BENCH_TENANT='{"resources":5000}'  overrides of bench/fake-tenant-server.ts's options (quota, armPageSize, …)
 *   BENCH_CONCURRENCY=8                the collector's --concurrency
 *   BENCH_NO_BUILD=1                   skip `npm run build` (dist/ is up to date)
 */
import { type ChildProcessByStdio, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

const root = path.resolve(import.meta.dirname, '..');
const GNU_TIME = '/usr/bin/time';

interface Summary {
  durationMs: number;
  counts: Record<string, number>;
  problems: Array<{ scope: string; family: string; kind: string; reason: string }>;
  requests: { requests: number; throttled: number; throttleWaitMs: number; byService: Record<string, number> };
}

interface Run {
  wallS: number;
  userS: number;
  sysS: number;
  peakRssMiB: number;
  summary: Summary;
  served: Record<string, number>;
}

type FakeProcess = ChildProcessByStdio<Writable, Readable, null>;

/** Starts the fake tenant and resolves with the environment it prints once listening. */
async function startFake(): Promise<{ child: FakeProcess; env: Record<string, string>; setup: Record<string, unknown>; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'bench/fake-tenant-server.ts'), process.env.BENCH_TENANT ?? '{}'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the fake tenant exited before listening');
  const { env, setup } = JSON.parse(first.value) as { env: Record<string, string>; setup: Record<string, unknown> };
  return { child, env, setup, lines };
}

async function stopFake(fake: Awaited<ReturnType<typeof startFake>>): Promise<Record<string, number>> {
  fake.child.stdin.end();
  const last = await fake.lines.next();
  return last.done ? {} : (JSON.parse(last.value) as { served: Record<string, number> }).served;
}

/** Runs the collector under GNU time; resolves with its summary and the kernel's accounting of it. */
async function collectOnce(env: Record<string, string>): Promise<Omit<Run, 'served'>> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-bench-collect-'));
  const timing = path.join(scratch, 'time.txt');
  try {
    const args = ['-f', '%e %U %S %M', '-o', timing, process.execPath, path.join(root, 'bin/reachgraph.js'), 'collect', 'azure', '--out', path.join(scratch, 'snapshot'), '--json', '--concurrency', process.env.BENCH_CONCURRENCY ?? '8'];
    // Only what the collector needs: the fake's credentials and endpoints, and trust for its test CA.
    const child = spawn(GNU_TIME, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
    if (code !== 0) throw new Error(`collect azure exited ${code}: ${stderr.slice(0, 2000)}\n${stdout.slice(0, 2000)}`);
    const [wall, user, sys, maxRssKiB] = (await readFile(timing, 'utf8')).trim().split(/\s+/).map(Number) as [number, number, number, number];
    return { wallS: wall, userS: user, sysS: sys, peakRssMiB: maxRssKiB / 1024, summary: JSON.parse(stdout) as Summary };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** CPU seconds and peak RSS of `reachgraph --version`: loading the CLI's modules, paid by every collection before its first request. */
function startupCost(): { cpuS: number; peakRssMiB: number } {
  const samples = Array.from({ length: 3 }, () => {
    // GNU time reports on stderr, after whatever the command wrote there (nothing, for --version).
    const measured = spawnSync(GNU_TIME, ['-f', '%U %S %M', process.execPath, path.join(root, 'bin/reachgraph.js'), '--version'], { cwd: root, encoding: 'utf8' });
    const [user, sys, maxRssKiB] = measured.stderr.trim().split(/\s+/).map(Number) as [number, number, number];
    return { cpuS: user + sys, peakRssMiB: maxRssKiB / 1024 };
  });
  return { cpuS: median(samples.map((sample) => sample.cpuS)), peakRssMiB: median(samples.map((sample) => sample.peakRssMiB)) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function table(runs: Run[]): string {
  const services = [...new Set(runs.flatMap((run) => Object.keys(run.summary.requests.byService)))].sort();
  const header = ['run', 'wall s', 'CPU s (user+sys)', 'CPU / wall', 'peak RSS MiB', 'requests', ...services.map((service) => `${service} requests`), 'throttle waits', 'throttled s'];
  const row = (label: string, pick: (metric: (run: Run) => number) => number): string[] => [
    label,
    pick((run) => run.wallS).toFixed(2),
    pick((run) => run.userS + run.sysS).toFixed(2),
    `${(100 * pick((run) => (run.userS + run.sysS) / run.wallS)).toFixed(0)} %`,
    pick((run) => run.peakRssMiB).toFixed(0),
    String(pick((run) => run.summary.requests.requests)),
    ...services.map((service) => String(pick((run) => run.summary.requests.byService[service] ?? 0))),
    String(pick((run) => run.summary.requests.throttled)),
    (pick((run) => run.summary.requests.throttleWaitMs) / 1000).toFixed(1),
  ];
  const rows = [...runs.map((run, index) => row(String(index + 1), (metric) => metric(run))), row('**median**', (metric) => median(runs.map(metric)))];
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed to measure the collector's CPU time and peak RSS`);
  if (!process.env.BENCH_NO_BUILD) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const count = Number(process.env.BENCH_RUNS ?? 3);
  const runs: Run[] = [];
  let setup: Record<string, unknown> = {};
  for (let index = 0; index < count; index += 1) {
    const fake = await startFake();
    setup = fake.setup;
    try {
      const measured = await collectOnce(fake.env);
      runs.push({ ...measured, served: await stopFake(fake) });
    } finally {
      fake.child.kill('SIGTERM');
    }
    const last = runs.at(-1) as Run;
    const failures = last.summary.problems.filter((problem) => problem.kind !== 'skipped');
    if (failures.length) throw new Error(`run ${index + 1} collected with failures: ${JSON.stringify(failures.slice(0, 5))}`);
    console.error(`run ${index + 1}: ${last.wallS.toFixed(1)} s wall, ${(last.userS + last.sysS).toFixed(1)} s CPU, ${last.summary.requests.requests} requests`);
  }
  const counts = runs[0]?.summary.counts ?? {};
  console.log(`## collect azure: ${JSON.stringify(setup)}\n`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}); fakes in a separate process; CPU and peak RSS from GNU time (kernel rusage of the collector's process).\n`);
  console.log(table(runs));
  const startup = startupCost();
  console.log(`\nOf that, loading the CLI (\`reachgraph --version\`, median of 3): ${startup.cpuS.toFixed(2)} s CPU, ${startup.peakRssMiB.toFixed(0)} MiB RSS.`);
  console.log(`\nCollected (run 1): ${Object.entries(counts).map(([family, n]) => `${family} ${n}`).join(', ')}`);
  console.log(`Served by the fakes (run 1): ${JSON.stringify(runs[0]?.served ?? {})}`);
}

await main();
