import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliRun, runCli } from '../helpers/cli.js';
import type { ExposedAsset } from '../../src/analysis/exposure.js';
import { VERSION } from '../../src/version.js';
import type { ArmResource } from '../../src/snapshot/arm-resource.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { ids, lower, nsg, publicIp, vmWithNic, vnet } from '../helpers/arm.js';

const SECRET = 'FAKE-SECRET-c9f1e2d3b4a5-do-not-print';

/** vm-web: wide on tcp/443; vm-partner: narrow on tcp/8080; vm-internal: not exposed. vm-web carries secrets. */
function estate(): ArmResource[] {
  const [webNic, webVm] = vmWithNic({ name: 'nic-web', vm: 'vm-web', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip-web' }) as [ArmResource, ArmResource];
  return [
    nsg('nsg-web', [{ name: 'allow-https', priority: 100, source: 'Internet', ports: '443' }]),
    nsg('nsg-partner', [{ name: 'partner', priority: 100, source: '198.51.100.0/24', ports: '8080' }]),
    vnet('vnet', '10.0.0.0/16', [
      { name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' },
      { name: 'partner', prefix: '10.0.2.0/24', nsg: 'nsg-partner' },
      { name: 'internal', prefix: '10.0.3.0/24' },
    ]),
    publicIp('pip-web', 'Standard', '203.0.113.10'),
    publicIp('pip-partner', 'Standard', '203.0.113.11'),
    { ...webNic, tags: { note: 'x' } },
    {
      ...webVm,
      tags: { note: SECRET, owner: 'ops' },
      properties: { ...webVm.properties, osProfile: { computerName: 'web', adminPassword: SECRET, customData: SECRET } },
    },
    ...vmWithNic({ name: 'nic-partner', vm: 'vm-partner', subnet: ['vnet', 'partner'], privateIp: '10.0.2.4', publicIp: 'pip-partner' }),
    ...vmWithNic({ name: 'nic-internal', vm: 'vm-internal', subnet: ['vnet', 'internal'], privateIp: '10.0.3.4' }),
  ];
}

const VM_WEB = lower(ids.vm('vm-web'));
const VM_PARTNER = lower(ids.vm('vm-partner'));
const EXPECTED_ASSETS = [
  {
    id: VM_PARTNER,
    kind: 'VirtualMachine',
    name: 'vm-partner',
    width: 'narrow',
    ports: [{ protocol: 'tcp', from: 8080, to: 8080 }],
    path: ['internet', lower(ids.pip('pip-partner')), lower(ids.nic('nic-partner')), VM_PARTNER],
  },
  {
    id: VM_WEB,
    kind: 'VirtualMachine',
    name: 'vm-web',
    width: 'wide',
    ports: [{ protocol: 'tcp', from: 443, to: 443 }],
    path: ['internet', lower(ids.pip('pip-web')), lower(ids.nic('nic-web')), VM_WEB],
  },
];

let tmp: string;
let snapshot: string;
let savedStoreEnv: string | undefined;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-'));
  snapshot = path.join(tmp, 'snapshot');
  await mkdir(path.join(snapshot, 'azure'), { recursive: true });
  await writeFile(path.join(snapshot, 'azure', 'resources.json'), JSON.stringify({ value: estate() }, null, 2));
  savedStoreEnv = process.env.REACHGRAPH_STORE;
  delete process.env.REACHGRAPH_STORE;
});

afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  if (savedStoreEnv === undefined) delete process.env.REACHGRAPH_STORE;
  else process.env.REACHGRAPH_STORE = savedStoreEnv;
  await rm(tmp, { recursive: true, force: true });
});


const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

function assetsOf(result: CliRun): ExposedAsset[] {
  const report = JSON.parse(result.stdout) as { assets: ExposedAsset[] };
  expect(Object.keys(report)).toEqual(['assets']);
  return report.assets;
}

describe('reachgraph exposure', () => {
  it('prints {"assets":[…]} with id, kind, name, width, ports, path and entry points for a snapshot directory', async () => {
    const result = await runCli('exposure', snapshot, '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const assets = assetsOf(result);
    expect(assets.map((asset) => Object.keys(asset).sort())).toEqual([
      ['entryPoints', 'id', 'kind', 'name', 'path', 'ports', 'width'],
      ['entryPoints', 'id', 'kind', 'name', 'path', 'ports', 'width'],
    ]);
    expect(assets).toMatchObject(EXPECTED_ASSETS);
    expect(assets.map((asset) => asset.id)).toEqual([...assets.map((asset) => asset.id)].sort());
    // Fields are only ever added to this shape, so match rather than equal.
    expect(assets[1]!.entryPoints).toMatchObject([
      {
        type: 'public-ip',
        publicIpId: lower(ids.pip('pip-web')),
        address: '203.0.113.10',
        forwarder: null,
        frontendPorts: null,
        decidedBy: ['nsg-web/allow-https'],
        sources: ['Internet'],
        width: 'wide',
        ports: [{ protocol: 'tcp', from: 443, to: 443 }],
      },
    ]);
  });

  it('prints a table naming each exposed workload, and leaves unexposed ones out', async () => {
    const result = await runCli('exposure', snapshot);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ASSET\s+KIND\s+WIDTH\s+PORTS\s+PATH$/m);
    expect(result.stdout).toMatch(/^vm-web\s+VirtualMachine\s+wide\s+tcp\/443\s+internet → pip-web → nic-web → vm-web$/m);
    expect(result.stdout).toMatch(/^vm-partner\s+VirtualMachine\s+narrow\s+tcp\/8080\s/m);
    expect(result.stdout).not.toContain('vm-internal');
    expect(result.stdout).toContain('2 internet-reachable workload(s).');
  });

  it('applies --kind, --port and --width together', async () => {
    const narrow = await runCli('exposure', snapshot, '--json', '--kind', 'VirtualMachine', '--width', 'narrow', '--port', '8080');
    expect(narrow.code).toBe(0);
    expect(assetsOf(narrow).map((asset) => asset.id)).toEqual([VM_PARTNER]);
    const none = await runCli('exposure', snapshot, '--json', '--port', '22');
    expect(assetsOf(none)).toEqual([]);
  });

  it('reports the same assets from a store written by ingest as from the snapshot directory', async () => {
    const store = path.join(tmp, 'state', 'graph.json');
    const ingest = await runCli('ingest', snapshot, '--store', store);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain(`Loaded ${snapshot} into ${store}: 11 resources from 1 files`);
    expect(await exists(store)).toBe(true);

    const direct = assetsOf(await runCli('exposure', snapshot, '--json'));
    const viaOption = await runCli('exposure', '--store', store, '--json');
    expect(viaOption.code).toBe(0);
    expect(assetsOf(viaOption)).toEqual(direct);
    const viaArgument = await runCli('exposure', store, '--json');
    expect(assetsOf(viaArgument)).toEqual(direct);
    process.env.REACHGRAPH_STORE = store;
    expect(assetsOf(await runCli('exposure', '--json'))).toEqual(direct);
  });

  it('still prints the results when one file is malformed, names the file on stderr and exits 1', async () => {
    await writeFile(path.join(snapshot, 'azure', 'zz-broken.json'), '[\n  {"id": "/x",\n  "type": "y"}\n  {');
    const result = await runCli('exposure', snapshot);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^vm-web\s+VirtualMachine\s+wide/m);
    expect(result.stderr).toContain(`reachgraph: ${path.join('azure', 'zz-broken.json')}: malformed JSON`);
    expect(result.stderr).toMatch(/line 4,? column 3/);

    const json = await runCli('exposure', snapshot, '--json');
    expect(json.code).toBe(1);
    expect(assetsOf(json)).toMatchObject(EXPECTED_ASSETS);
  });

  it('exits 2 with a message when the source does not exist', async () => {
    const missing = path.join(tmp, 'does', 'not', 'exist');
    const result = await runCli('exposure', missing);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`reachgraph: ${missing} is neither a snapshot directory (with an azure/ folder) nor a graph store file.`);
  });

  it('exits 2 telling to run ingest when the --store file does not exist, and does not create it', async () => {
    const store = path.join(tmp, 'nope.json');
    const result = await runCli('exposure', '--store', store);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No graph store at ${store}. Run "reachgraph ingest <snapshot>" first`);
    expect(await exists(store)).toBe(false);
  });

  it('exits 1 with a message that says to re-ingest when the store file is corrupt', async () => {
    const store = path.join(tmp, 'graph.json');
    await writeFile(store, '{"format": "reachgraph-embedded-graph", "vers');
    const result = await runCli('exposure', '--store', store);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not valid JSON.*reachgraph ingest <snapshot>/);
    expect(result.stderr).not.toMatch(/unexpected error/);
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--width', 'medium'], '--width'],
    [['--kind', 'Banana'], '--kind'],
  ])('exits 2 on an invalid filter %j', async (filter, option) => {
    const result = await runCli('exposure', snapshot, ...filter);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`reachgraph: ${option}`);
  });
});

describe('reachgraph ingest', () => {
  it('exits 1 with the snapshot-format hint for a directory without azure/, and writes no store', async () => {
    const empty = path.join(tmp, 'empty');
    await mkdir(empty);
    const store = path.join(tmp, 'graph.json');
    const result = await runCli('ingest', empty, '--store', store);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`reachgraph: No snapshot at ${empty}: expected a directory with an azure/ folder`);
    expect(result.stderr).toContain('"Snapshot format" in the README');
    expect(await exists(store)).toBe(false);
  });

  it('loads the good files of a partly broken snapshot, reports the bad one and exits 1', async () => {
    await writeFile(path.join(snapshot, 'azure', 'bad.json'), '{"foo": 1}');
    const store = path.join(tmp, 'graph.json');
    const result = await runCli('ingest', snapshot, '--store', store, '--json');
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { store: string; files: number; resources: number; errors: Array<{ path: string }> };
    expect(summary).toMatchObject({ store, files: 2, resources: 11 });
    expect(summary.errors.map((error) => error.path)).toEqual([path.join('azure', 'bad.json')]);
    expect(assetsOf(await runCli('exposure', '--store', store, '--json'))).toMatchObject(EXPECTED_ASSETS);
  });

  it('writes every node and edge it reports, whatever the batch size', async () => {
    const store = path.join(tmp, 'graph.json');
    const result = await runCli('ingest', snapshot, '--store', store, '--batch-size', '3', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { nodes: number; edges: number };
    const viaStore = assetsOf(await runCli('exposure', '--store', store, '--json'));
    expect(viaStore).toMatchObject(EXPECTED_ASSETS);
    const graph = await (await EmbeddedStore.open(store)).readGraph();
    expect([graph.nodes.length, graph.edges.length]).toEqual([summary.nodes, summary.edges]);
  });

  it('rejects a non-numeric --batch-size as a usage error and writes no store', async () => {
    const store = path.join(tmp, 'graph.json');
    const result = await runCli('ingest', snapshot, '--store', store, '--batch-size', 'abc');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--batch-size/);
    expect(await exists(store)).toBe(false);
  });

  it('never prints raw resource properties or tag values, in text or JSON, even for a rejected record', async () => {
    await writeFile(
      path.join(snapshot, 'azure', 'rejected.json'),
      JSON.stringify([{ id: ids.vm('vm-no-type'), tags: { note: SECRET }, properties: { osProfile: { adminPassword: SECRET } } }]),
    );
    const store = path.join(tmp, 'graph.json');
    const outputs = [
      await runCli('ingest', snapshot, '--store', store),
      await runCli('ingest', snapshot, '--store', store, '--json'),
      await runCli('exposure', snapshot),
      await runCli('exposure', snapshot, '--json'),
      await runCli('exposure', '--store', store, '--json'),
    ];
    for (const output of outputs) {
      expect(output.stdout).not.toContain(SECRET);
      expect(output.stderr).not.toContain(SECRET);
      expect(output.stdout).not.toContain('adminPassword');
    }
    // The rejected record is still reported, by file and index.
    expect(outputs[0]!.stdout).toMatch(/rejected\.json: record 0 is not an ARM resource: type:/);
  });
});

describe('reachgraph --help and friends', () => {
  it('--help prints usage listing the commands and exits 0', async () => {
    const result = await runCli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: reachgraph/m);
    for (const command of ['ingest', 'exposure', 'serve', 'demo']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('exposure --help documents the filters and exits 0', async () => {
    const result = await runCli('exposure', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--kind <kind>/);
    expect(result.stdout).toMatch(/--port <port>/);
    expect(result.stdout).toMatch(/--width <width>/);
  });

  it('--version prints the package version and exits 0', async () => {
    const result = await runCli('--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli('frobnicate')).code).toBe(2);
    const unknownOption = await runCli('exposure', snapshot, '--colour', 'red');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/unknown option '--colour'/);
  });
});
