import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExposureResult } from '../../src/analysis/exposure.js';
import { recompute } from '../../src/analysis/recompute.js';
import { DirectedGraph } from 'graphology';
import { writeGraph } from '../../src/load/ingest.js';
import { loadCatalog } from '../../src/queries/catalog.js';
import { createApp } from '../../src/serve/app.js';
import { JobRunner } from '../../src/serve/jobs.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { validateCycloneDx } from '../../src/supply-chain/cyclonedx.js';
import type { IntegrityReport } from '../../src/supply-chain/integrity.js';
import type { RunningImagesReport } from '../../src/supply-chain/running-images.js';
import { A, B, D, type Estate, estate } from './estate.js';

let fixture: Estate;
let store: EmbeddedStore;
const savedEnv = process.env.REACHGRAPH_TRUSTED_REGISTRIES;

beforeAll(async () => {
  fixture = estate();
  store = EmbeddedStore.inMemory();
  await writeGraph(store, fixture.graph);
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.REACHGRAPH_TRUSTED_REGISTRIES;
  else process.env.REACHGRAPH_TRUSTED_REGISTRIES = savedEnv;
});

/** The server's context, with the exposure the Kubernetes exposure analysis reports for this estate. */
function app() {
  const exposure: ExposureResult = { report: fixture.report, reaches: [], reachability: new DirectedGraph() };
  return createApp({
    store,
    version: '9.9.9-test',
    exposure: async () => exposure,
    jobs: new JobRunner(() => recompute(store)),
    catalog: () => loadCatalog(),
  });
}

describe('GET /api/v1/images', () => {
  it('?running=true answers the running images, exposed first, and the unresolved containers', async () => {
    const response = await request(app()).get('/api/v1/images?running=true');
    expect(response.status).toBe(200);
    const body = response.body as RunningImagesReport;
    expect(Object.keys(body)).toEqual(['images', 'unresolved']);
    expect(body.images.slice(0, 3).map((image) => image.digest)).toEqual([A, B, D]);
    expect(body.unresolved).toHaveLength(3);
  });

  it('without running, answers every referenced image flagged running or not', async () => {
    const response = await request(app()).get('/api/v1/images');
    expect(response.status).toBe(200);
    expect(response.body.images).toContainEqual(expect.objectContaining({ reference: 'contosoacr.azurecr.io/shop/web:1.4.2', running: true }));
  });

  it.each(['running=yes', 'running=true&running=false', 'colour=red'])('rejects %s with 400', async (query) => {
    const response = await request(app()).get(`/api/v1/images?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_parameter');
  });
});

describe('GET /api/v1/bom', () => {
  it('answers the reachgraph JSON BOM by default and for format=json', async () => {
    for (const path of ['/api/v1/bom', '/api/v1/bom?format=json']) {
      const response = await request(app()).get(path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body.tool).toEqual({ name: 'reachgraph', version: '9.9.9-test' });
      expect(response.body.images).toHaveLength(6);
      expect(response.body.images[0]).toMatchObject({ purl: expect.stringMatching(/^pkg:oci\//), locations: expect.any(Array) });
    }
  });

  it('format=cyclonedx answers CycloneDX 1.6 JSON that validates against the schema', async () => {
    const response = await request(app()).get('/api/v1/bom?format=cyclonedx');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vnd\.cyclonedx\+json/);
    expect(response.headers['content-type']).toContain('version=1.6');
    expect(await validateCycloneDx(response.text)).toBeNull();
    const document = JSON.parse(response.text);
    expect(document.metadata.tools.components[0]).toMatchObject({ name: 'reachgraph', version: '9.9.9-test' });
    expect(document.components).toHaveLength(6);
  });

  it.each([
    ['format=xml', 'format'],
    ['format=CycloneDX', 'format'],
    ['format=', 'format'],
    ['format=json&format=cyclonedx', 'format'],
    ['colour=red', 'colour'],
  ])('rejects %s with 400 invalid_parameter naming the parameter', async (query, parameter) => {
    const response = await request(app()).get(`/api/v1/bom?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toMatchObject({ code: 'invalid_parameter', message: expect.stringContaining(parameter) });
  });
});

describe('GET /api/v1/integrity', () => {
  it('answers findings with the default trust (snapshot ACRs + mcr)', async () => {
    delete process.env.REACHGRAPH_TRUSTED_REGISTRIES;
    const response = await request(app()).get('/api/v1/integrity');
    expect(response.status).toBe(200);
    const body = response.body as IntegrityReport;
    expect(body.trustedRegistriesSource).toBe('snapshot');
    expect(body.findings[0]).toMatchObject({ rule: 'digest-mismatch', severity: 'critical', workloadId: fixture.ids.api, exposed: true });
    expect(body.summary.findings).toBe(body.findings.length);
  });

  it('takes trustedRegistry (repeated or comma-separated) over the environment', async () => {
    process.env.REACHGRAPH_TRUSTED_REGISTRIES = 'env.example.com';
    const fromEnv = await request(app()).get('/api/v1/integrity');
    expect(fromEnv.body.trustedRegistries).toEqual(['env.example.com']);
    const response = await request(app()).get('/api/v1/integrity?trustedRegistry=ghcr.io&trustedRegistry=docker.io,mcr.microsoft.com');
    expect(response.status).toBe(200);
    expect(response.body.trustedRegistriesSource).toBe('option');
    expect(response.body.trustedRegistries).toEqual(['docker.io', 'ghcr.io', 'mcr.microsoft.com']);
    const untrusted = (response.body as IntegrityReport).findings.filter((finding) => finding.rule === 'untrusted-registry');
    expect(untrusted.map((finding) => `${finding.severity} ${finding.registry} ${finding.namespace}/${finding.workloadName}`)).toEqual([
      'high contosoacr.azurecr.io shop/web',
      'medium sharedacr.azurecr.io kube-system/agent',
      'medium contosoacr.azurecr.io shop/legacy',
      'medium contosoacr.azurecr.io staging/web',
    ]);
  });

  it.each(['trustedRegistry=', 'severity=high'])('rejects %s with 400', async (query) => {
    const response = await request(app()).get(`/api/v1/integrity?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_parameter');
  });
});
