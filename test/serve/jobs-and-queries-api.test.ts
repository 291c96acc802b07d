import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { computeExposure } from '../../src/analysis/exposure.js';
import { recompute, type RecomputeStage, type RecomputeSummary } from '../../src/analysis/recompute.js';
import { writeGraph } from '../../src/load/ingest.js';
import { transformAzureResources } from '../../src/load/transform.js';
import { loadCatalog } from '../../src/queries/catalog.js';
import { createApp } from '../../src/serve/app.js';
import { JobRunner } from '../../src/serve/jobs.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import { ids, lower, nsg, publicIp, vmWithNic, vnet } from '../helpers/arm.js';

const ESTATE = [
  nsg('nsg', [{ name: 'https', priority: 100, source: 'Internet', ports: '443' }]),
  vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg' }]),
  publicIp('pip', 'Standard', '203.0.113.7'),
  ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
];

let store: EmbeddedStore;

beforeEach(async () => {
  store = EmbeddedStore.inMemory();
  await writeGraph(store, transformAzureResources(ESTATE).graph);
});

function app(jobs = new JobRunner((onStage) => recompute(store, onStage))) {
  return createApp({ store, version: 'test', exposure: () => store.readGraph().then(computeExposure), jobs, catalog: () => loadCatalog() });
}

async function finished(server: ReturnType<typeof app>, jobId: string): Promise<request.Response> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await request(server).get(`/api/v1/jobs/${jobId}`);
    if (response.body.status !== 'running') return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe('POST /api/v1/recompute and GET /api/v1/jobs/:id', () => {
  it('starts a job that reports its result counts and duration, and writes the results into the store', async () => {
    const server = app();
    const started = await request(server).post('/api/v1/recompute');
    expect(started.status).toBe(202);
    expect(started.headers.location).toBe(`/api/v1/jobs/${started.body.jobId}`);
    expect(started.body).toMatchObject({ status: 'running', alreadyRunning: false });

    const job = await finished(server, started.body.jobId);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ kind: 'recompute', status: 'succeeded', trigger: 'api', stage: 'done', error: null });
    expect(job.body.result).toMatchObject({ assetsAnalysed: 1, exposedAssets: 1, attackPaths: 0, exposureChanges: 1 });
    expect(job.body.durationMs).toBeGreaterThanOrEqual(0);
    expect((await store.getNode(lower(ids.vm('vm'))))?.properties).toMatchObject({ exposed: true, exposureWidth: 'wide', exposedPorts: ['tcp/443'] });
  });

  it('returns the running job instead of starting a second writer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs = new JobRunner(async (onStage: (stage: RecomputeStage) => void) => {
      onStage('reading');
      await gate;
      return recompute(store);
    });
    const server = app(jobs);
    const first = await request(server).post('/api/v1/recompute');
    const second = await request(server).post('/api/v1/recompute');
    expect(second.body).toMatchObject({ jobId: first.body.jobId, alreadyRunning: true });
    expect((await request(server).get(`/api/v1/jobs/${first.body.jobId}`)).body.stage).toBe('reading');
    release();
    expect((await finished(server, first.body.jobId)).body.status).toBe('succeeded');
  });

  it('reports a failed job with its error', async () => {
    const server = app(new JobRunner(async (): Promise<RecomputeSummary> => {
      throw new Error('store offline');
    }));
    const started = await request(server).post('/api/v1/recompute');
    const job = await finished(server, started.body.jobId);
    expect(job.body).toMatchObject({ status: 'failed', error: 'store offline', result: null });
  });

  it('answers 404 JSON for an unknown job', async () => {
    const response = await request(app()).get('/api/v1/jobs/no-such-job');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('/api/v1/queries', () => {
  it('lists the saved queries with parameters and columns, without their text', async () => {
    const response = await request(app()).get('/api/v1/queries');
    expect(response.status).toBe(200);
    const names = response.body.queries.map((query: { name: string }) => query.name);
    expect(names).toContain('internet-exposed-vms');
    const exposed = response.body.queries.find((query: { name: string }) => query.name === 'internet-exposed-vms');
    expect(exposed.parameters).toEqual([{ name: 'width', type: 'string', default: '', description: expect.any(String) }]);
    expect(exposed.text).toBeUndefined();
  });

  it('answers 404 for an unknown query and 400 for a bad body, before touching the store', async () => {
    expect((await request(app()).post('/api/v1/queries/no-such-query').send({})).status).toBe(404);
    const bad = await request(app()).post('/api/v1/queries/internet-exposed-vms').send({ params: {}, limit: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_parameter');
  });

  it('answers 501 when the store cannot run Cypher (the embedded store)', async () => {
    const response = await request(app()).post('/api/v1/queries/internet-exposed-vms').send({ params: { width: 'wide' } });
    expect(response.status).toBe(501);
    expect(response.body.error).toMatchObject({ code: 'not_supported', message: expect.stringMatching(/falkordb:\/\/|bolt:\/\//) });
  });
});
