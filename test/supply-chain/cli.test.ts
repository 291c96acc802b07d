import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { ExposedAsset } from '../../src/analysis/exposure.js';
import { VERSION } from '../../src/version.js';
import { writeGraph } from '../../src/load/ingest.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import type { CloudBom } from '../../src/supply-chain/bom.js';
import { validateCycloneDx } from '../../src/supply-chain/cyclonedx.js';
import type { IntegrityReport } from '../../src/supply-chain/integrity.js';
import type { ReferencedImagesReport, RunningImagesReport } from '../../src/supply-chain/running-images.js';
import { A, B, D, type Estate, estate, F, G, E } from './estate.js';

/**
 * The commands compute exposure from the graph with computeExposure. These graphs
 * hold Kubernetes objects but no network path to them, so the Kubernetes workloads
 * this estate exposes are added to what computeExposure finds.
 */
const injected = vi.hoisted(() => ({ assets: [] as ExposedAsset[] }));
vi.mock('../../src/analysis/exposure.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/analysis/exposure.js')>();
  return {
    ...actual,
    computeExposure: (graph: Parameters<typeof actual.computeExposure>[0]) => {
      const result = actual.computeExposure(graph);
      return { ...result, report: { assets: [...result.report.assets, ...injected.assets].sort((a, b) => a.id.localeCompare(b.id)) } };
    },
  };
});

let tmp: string;
let storeFile: string;
let fixture: Estate;
const savedEnv = { store: process.env.REACHGRAPH_STORE, trusted: process.env.REACHGRAPH_TRUSTED_REGISTRIES };

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-supply-'));
  storeFile = path.join(tmp, 'graph.json');
  fixture = estate();
  injected.assets = fixture.report.assets;
  const store = await EmbeddedStore.open(storeFile);
  await writeGraph(store, fixture.graph);
  await store.flush();
  await store.close();
  delete process.env.REACHGRAPH_STORE;
  delete process.env.REACHGRAPH_TRUSTED_REGISTRIES;
});

afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  for (const [name, value] of [
    ['REACHGRAPH_STORE', savedEnv.store],
    ['REACHGRAPH_TRUSTED_REGISTRIES', savedEnv.trusted],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(tmp, { recursive: true, force: true });
});


describe('reachgraph images', () => {
  it('--running --json lists running digests exposed first, and the unresolved containers', async () => {
    const result = await runCli('images', '--running', '--json', storeFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as RunningImagesReport;
    expect(body.images.map((image) => image.digest)).toEqual([A, B, D, F, G, E]);
    expect(body.images[0]!.locations[0]).toMatchObject({ workloadId: fixture.ids.web, replicas: 3, pods: 3, exposed: true });
    expect(body.unresolved.map((item) => item.reason)).toEqual(['not-running', 'not-running', 'image-id-only']);
  });

  it('--running prints a table in scan order, then the unresolved containers', async () => {
    const result = await runCli('images', '--running', '--store', storeFile);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+TAGS\s+EXPOSURE\s+WORKLOADS\s+PODS\s+SECURITY\s+WHERE$/);
    expect(lines[1]).toMatch(/^contosoacr\.azurecr\.io\/shop\/web@sha256:aaaaaaaaaaaa\s+1\.4\.2\s+wide tcp\/443\s+2\s+4\s+-\s+aks-prod\/shop\/Deployment\/web \(\+1 more\)$/);
    expect(lines[2]).toMatch(/NET_ADMIN/);
    expect(result.stdout).toContain('6 running image digest(s), 3 internet-exposed; scan them in this order.');
    expect(result.stdout).toContain('3 container(s) without a known running digest:');
    expect(result.stdout).toMatch(/default\/oneoff\s+oneoff\s+sha256:7+\s+image-id-only/);
  });

  it('without --running lists the spec references, flagging which run', async () => {
    const json = await runCli('images', '--json', storeFile);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as ReferencedImagesReport;
    expect(body.images.find((image) => image.reference === 'contosoacr.azurecr.io/shop/web:1.4.2')).toMatchObject({ running: true, runningDigests: [A] });
    const text = await runCli('images', storeFile);
    expect(text.stdout).toMatch(/^IMAGE\s+RUNNING\s+EXPOSED\s+WHERE/);
    expect(text.stdout).toMatch(/contosoacr\.azurecr\.io\/shop\/legacy@sha256:111111111111\s+not running/);
    expect(text.stdout).toMatch(/sha256:777777777777\s+running, digest unknown/);
    expect(text.stdout).toContain('image reference(s) in specs');
  });

  it('reads the store named by REACHGRAPH_STORE when no source is given', async () => {
    process.env.REACHGRAPH_STORE = storeFile;
    const result = await runCli('images', '--running', '--json');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as RunningImagesReport).images).toHaveLength(6);
  });

  it('says how to get a graph when there is none', async () => {
    const result = await runCli('images', '--running', path.join(tmp, 'missing.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/neither a snapshot directory .* nor a graph store file/);
  });
});

describe('reachgraph bom', () => {
  it('prints the reachgraph JSON BOM by default', async () => {
    const result = await runCli('bom', storeFile);
    expect(result.code).toBe(0);
    const bom = JSON.parse(result.stdout) as CloudBom;
    expect(bom.tool).toEqual({ name: 'reachgraph', version: VERSION });
    expect(bom.images).toHaveLength(6);
    expect(bom.images.find((image) => image.digest === A)!.locations.map((location) => [location.namespace, location.replicas])).toEqual([
      ['shop', 3],
      ['staging', 1],
    ]);
  });

  it('--format cyclonedx --validate prints schema-valid CycloneDX 1.6 with reachgraph as the tool', async () => {
    const result = await runCli('bom', '--format', 'cyclonedx', '--validate', storeFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await validateCycloneDx(result.stdout)).toBeNull();
    const document = JSON.parse(result.stdout);
    expect(document.specVersion).toBe('1.6');
    expect(document.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(document.metadata.tools.components).toEqual([{ type: 'application', name: 'reachgraph', version: VERSION }]);
    expect(document.components).toHaveLength(6);
  });

  it('-o writes the BOM to a file', async () => {
    const file = path.join(tmp, 'bom.cdx.json');
    const result = await runCli('bom', '--format', 'cyclonedx', '-o', file, storeFile);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`wrote 6 image(s) to ${file}`);
    expect(await validateCycloneDx(await readFile(file, 'utf8'))).toBeNull();
  });

  it('rejects an unknown format and --validate without cyclonedx as usage errors', async () => {
    const format = await runCli('bom', '--format', 'spdx', storeFile);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of json, cyclonedx, not spdx');
    const validate = await runCli('bom', '--validate', storeFile);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('--validate applies to --format cyclonedx');
  });
});

describe('reachgraph integrity', () => {
  it('--json reports findings and exits 0 even with findings', async () => {
    const result = await runCli('integrity', '--json', storeFile);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as IntegrityReport;
    expect(report.trustedRegistries).toEqual(['contosoacr.azurecr.io', 'mcr.microsoft.com', 'sharedacr.azurecr.io']);
    expect(report.findings[0]).toMatchObject({ rule: 'digest-mismatch', severity: 'critical', workloadId: fixture.ids.api, exposed: true });
    expect(report.summary.findings).toBe(9);
  });

  it('--trusted-registry (repeatable) replaces the defaults; REACHGRAPH_TRUSTED_REGISTRIES when absent', async () => {
    const option = await runCli('integrity', '--json', '--trusted-registry', 'ghcr.io', '--trusted-registry', 'docker.io,*.azurecr.io', storeFile);
    const fromOption = JSON.parse(option.stdout) as IntegrityReport;
    expect(fromOption.trustedRegistries).toEqual(['*.azurecr.io', 'docker.io', 'ghcr.io']);
    expect(fromOption.findings.filter((finding) => finding.rule === 'untrusted-registry').map((finding) => finding.registry)).toEqual(['mcr.microsoft.com']);

    process.env.REACHGRAPH_TRUSTED_REGISTRIES = 'mcr.microsoft.com';
    const env = JSON.parse((await runCli('integrity', '--json', storeFile)).stdout) as IntegrityReport;
    expect(env.trustedRegistriesSource).toBe('env');
    expect(env.trustedRegistries).toEqual(['mcr.microsoft.com']);
  });

  it('prints a table with the trusted registries and a summary', async () => {
    const result = await runCli('integrity', storeFile);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Trusted registries (the snapshot's container registries and mcr.microsoft.com): contosoacr.azurecr.io, mcr.microsoft.com, sharedacr.azurecr.io");
    expect(result.stdout).toContain('Assumed login servers (not in the snapshot): contosoacr.azurecr.io');
    expect(result.stdout).toMatch(/critical\s+digest-mismatch\s+shop\/api\s+api\s+exposed\s+api pins sha256:c+/);
    expect(result.stdout).toContain('9 finding(s): 1 digest-mismatch, 3 untrusted-registry, 1 unknown-registry, 4 mutable-tag.');
  });

  it('is listed in --help with the other commands', async () => {
    const result = await runCli('--help');
    for (const command of ['images', 'bom', 'integrity']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });
});
