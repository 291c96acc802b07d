/**
 * A canary client secret, canary credential material in Entra ID and the
 * clusters' tokens must appear nowhere reachgraph writes: not on stdout or
 * stderr, not in a snapshot, its manifest, the graph store or an error —
 * whether the run succeeds or fails. Runs the built CLI as a user would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateFromSnapshot } from '../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../support/fake-tenant.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const contoso = path.join(root, 'examples/contoso');
const CANARY_SECRET = 'Canary8Q~client-secret-that-must-never-leak-7f3a9c';
const CANARY_GRAPH = 'canary-graph-secretText-4be1d0a2';
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/;

let tenant: FakeTenant;
let work: string;
let secrets: string;
const outputs: Array<{ what: string; text: string }> = [];

async function reachgraph(env: Record<string, string>, ...args: string[]): Promise<number> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'bin/reachgraph.js'), ...args], { cwd: work, env: { ...process.env, ...env }, timeout: 120_000 });
    outputs.push({ what: `${args.join(' ')} stdout`, text: stdout }, { what: `${args.join(' ')} stderr`, text: stderr });
    return 0;
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    outputs.push({ what: `${args.join(' ')} stdout`, text: failed.stdout }, { what: `${args.join(' ')} stderr`, text: failed.stderr });
    return failed.code;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  const state = await stateFromSnapshot(contoso);
  state.app.secrets = [{ value: CANARY_SECRET }];
  tenant = await startFakeTenant(state, { snapshotDir: contoso, directory: { canary: CANARY_GRAPH } });
  work = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-canary-'));
  // The secret file lives outside the folder that is scanned.
  secrets = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-canary-secret-'));
  await writeFile(path.join(secrets, 'client.secret'), `${CANARY_SECRET}\n`);
}, 60_000);

afterAll(async () => {
  await tenant?.close();
  await rm(work, { recursive: true, force: true });
  await rm(secrets, { recursive: true, force: true });
});

describe('secrets never leave the process', () => {
  it('check, collect, sync and failing runs print and write no secret or token', async () => {
    const env = tenant.env;
    const { AZURE_CLIENT_SECRET: _secret, ...withoutSecret } = env;
    const checked = await reachgraph(env, 'azure', 'check');
    expect(checked, outputs.map((output) => output.text).join('\n')).toBe(0);
    expect(await reachgraph(env, 'azure', 'check', '--json')).toBe(0);
    expect(await reachgraph(withoutSecret, 'collect', 'azure', '--client-secret-file', path.join(secrets, 'client.secret'), '--out', 'snapshots/one')).toBe(0);
    expect(await reachgraph(env, 'sync', '--store', 'graph.json', '--snapshots', 'synced', '--json')).toBe(0);
    // Failing runs: a wrong secret (itself a canary), the right secret against a refused cluster, a broken endpoint.
    expect(await reachgraph({ ...env, AZURE_CLIENT_SECRET: `${CANARY_SECRET}-wrong` }, 'azure', 'check')).toBe(1);
    expect(await reachgraph({ ...env, AZURE_CLIENT_SECRET: `${CANARY_SECRET}-wrong` }, 'collect', 'azure', '--out', 'snapshots/refused')).toBe(1);
    expect(await reachgraph({ ...env, REACHGRAPH_GRAPH_ENDPOINT: 'https://127.0.0.1:1' }, 'collect', 'azure', '--out', 'snapshots/no-graph')).toBe(1);

    const kubernetesTokens = [...tenant.clusters.values()].map((cluster) => cluster.token);
    const files = await filesUnder(work);
    expect(files.some((file) => file.endsWith('manifest.json'))).toBe(true);
    expect(files.some((file) => file.endsWith('graph.json'))).toBe(true);
    const written = await Promise.all(files.map(async (file) => ({ what: path.relative(work, file), text: await readFile(file, 'utf8') })));
    for (const { what, text } of [...outputs, ...written]) {
      for (const secret of [CANARY_SECRET, CANARY_GRAPH, ...kubernetesTokens]) expect(text.includes(secret), `${secret.slice(0, 12)}… in ${what}`).toBe(false);
      expect(JWT.test(text), `a token in ${what}`).toBe(false);
    }
    // The failing runs said why, without the secret.
    expect(outputs.find((output) => output.what === 'azure check stderr' && /AADSTS7000215/.test(output.text)) ?? outputs.find((output) => /AADSTS7000215/.test(output.text))).toBeDefined();
  }, 300_000);
});
