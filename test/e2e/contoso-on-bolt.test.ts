/**
 * The Contoso sample on a Bolt server, as a user runs it: the built CLI
 * (`ingest`, `recompute`, `exposure`, `query run` with `--store neo4j://…`)
 * and `reachgraph serve` answering the API. The server is FalkorDB's Bolt
 * endpoint, reached by neo4j-driver, or Neo4j when NEO4J_URI is set. Every
 * answer is checked against the embedded store's.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emptyNeo4jDatabase, freePort, type RunningFalkorDB, startFalkorDB, takeNeo4jTurn } from '../support/falkordb-server.js';

const server = inject('graphServer');
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/reachgraph.js');

async function reachgraph(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [bin, ...args], { cwd: root });
}

const json = async (...args: string[]) => JSON.parse((await reachgraph(...args, '--json')).stdout);

describe.skipIf(server.kind === 'unavailable')('the Contoso sample through the CLI and the API on a Bolt server', { timeout: 120_000 }, () => {
  let address: string;
  let falkordb: RunningFalkorDB | undefined;
  let release: (() => Promise<void>) | undefined;
  let scratch: string;
  let embedded: string;

  beforeAll(async () => {
    if (server.kind === 'neo4j') {
      release = await takeNeo4jTurn();
      await emptyNeo4jDatabase(server.uri);
      address = server.uri;
    } else {
      falkordb = await startFalkorDB();
      address = `neo4j://127.0.0.1:${falkordb.info.boltPort}`;
    }
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-bolt-e2e-'));
    embedded = path.join(scratch, 'graph.json');
    await reachgraph('ingest', 'examples/contoso', '--store', embedded);
  }, 120_000);

  afterAll(async () => {
    await falkordb?.stop();
    await release?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('ingest, recompute, exposure and saved queries give the embedded store’s answers', async () => {
    const ingested = await reachgraph('ingest', 'examples/contoso', '--store', address);
    expect(ingested.stdout).toContain(address.replace(/\/\/[^@/]*@/, '//'));

    const recomputed = await json('recompute', '--store', address);
    const reference = await json('recompute', '--store', embedded);
    const counts = ({ nodes, edges, assetsAnalysed, exposedAssets, attackPaths, exposureChanges }: Record<string, number>) =>
      ({ nodes, edges, assetsAnalysed, exposedAssets, attackPaths, exposureChanges });
    expect(counts(recomputed)).toEqual(counts(reference));
    expect(recomputed).toMatchObject({ exposedAssets: 9, attackPaths: 8 });

    expect(await json('exposure', '--store', address)).toEqual(await json('exposure', 'examples/contoso'));

    const vms = await json('query', 'run', 'internet-exposed-vms', '--store', address);
    expect(vms.rows.map((row: { name: string }) => row.name).sort()).toEqual(['vm-jump-01', 'vm-legacy-01', 'vm-web-01', 'vm-web-02', 'vmss-api']);
    const csv = (await reachgraph('query', 'run', 'attack-paths-to-key-vaults', '--store', address, '--csv')).stdout.trim().split('\n');
    expect(csv).toHaveLength(4);
  });

  it('serve answers the API from the same store: exposure, a recompute job and a saved query', async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--store', address, '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const api = (route: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}/api/v1${route}`, init);
    try {
      for (let attempt = 0; ; attempt += 1) {
        const health = await api('/health').catch(() => undefined);
        if (health?.ok) break;
        if (attempt > 300 || child.exitCode !== null) throw new Error(`serve did not start: ${output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const exposure = await (await api('/exposure')).json();
      expect(exposure).toEqual(await json('exposure', '--store', embedded));

      const started = await api('/recompute', { method: 'POST' });
      expect(started.status).toBe(202);
      const { jobId } = (await started.json()) as { jobId: string };
      let job: { status: string; result: Record<string, number>; error: unknown };
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = (await (await api(`/jobs/${jobId}`)).json()) as typeof job;
      } while (job.status === 'running');
      expect(job).toMatchObject({ status: 'succeeded', error: null, result: { exposedAssets: 9, attackPaths: 8 } });

      const query = await api('/queries/attack-paths-to-key-vaults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(query.status).toBe(200);
      const result = (await query.json()) as { rows: Array<{ entry: string; role: string }> };
      expect(result.rows.map((row) => `${row.entry} ${row.role}`).sort()).toEqual(['vm-jump-01 Owner', 'vm-web-01 Key Vault Secrets User', 'vmss-api Contributor']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
  });
});
