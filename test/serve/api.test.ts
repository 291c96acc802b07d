import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeExposure, type ExposedAsset } from '../../src/analysis/exposure.js';
import { writeGraph } from '../../src/load/ingest.js';
import { transformAzureResources } from '../../src/load/transform.js';
import type { GraphBatch } from '../../src/model/graph.js';
import { createApp } from '../../src/serve/app.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { JobRunner } from '../../src/serve/jobs.js';
import { recompute } from '../../src/analysis/recompute.js';
import { loadCatalog } from '../../src/queries/catalog.js';
import { EmbeddedStore } from '../../src/store/embedded-store.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { ids, lower, nsg, publicIp, scaleSet, vmWithNic, vnet } from '../helpers/arm.js';

/**
 * vm-web: Standard IP, NSG allows tcp/443 from the internet → wide.
 * vm-partner: Standard IP, NSG allows tcp/8080 from one partner prefix → narrow.
 * vm-internal: no public IP → not exposed.
 * vmss-open: Basic instance IPs and no NSG → wide on every port.
 */
const ESTATE = [
  nsg('nsg-web', [{ name: 'allow-https', priority: 100, source: 'Internet', ports: '443' }]),
  nsg('nsg-partner', [{ name: 'partner', priority: 100, source: '198.51.100.0/24', ports: '8080' }]),
  vnet('vnet', '10.0.0.0/16', [
    { name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' },
    { name: 'partner', prefix: '10.0.2.0/24', nsg: 'nsg-partner' },
    { name: 'internal', prefix: '10.0.3.0/24' },
    { name: 'scale', prefix: '10.0.4.0/24' },
  ]),
  publicIp('pip-web', 'Standard', '203.0.113.10'),
  publicIp('pip-partner', 'Standard', '203.0.113.11'),
  ...vmWithNic({ name: 'nic-web', vm: 'vm-web', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip-web' }),
  ...vmWithNic({ name: 'nic-partner', vm: 'vm-partner', subnet: ['vnet', 'partner'], privateIp: '10.0.2.4', publicIp: 'pip-partner' }),
  ...vmWithNic({ name: 'nic-internal', vm: 'vm-internal', subnet: ['vnet', 'internal'], privateIp: '10.0.3.4' }),
  scaleSet({ name: 'vmss-open', subnet: ['vnet', 'scale'], publicIpSku: 'Basic' }),
];

const VM_WEB = lower(ids.vm('vm-web'));
const VM_PARTNER = lower(ids.vm('vm-partner'));
const VM_INTERNAL = lower(ids.vm('vm-internal'));
const VMSS = lower(ids.vmss('vmss-open'));

let graph: GraphBatch;
let store: EmbeddedStore;

beforeAll(async () => {
  graph = transformAzureResources(ESTATE).graph;
  store = EmbeddedStore.inMemory();
  await writeGraph(store, graph);
});

/** The context the server builds: exposure computed from the store's graph. */
function appOver(graphStore: GraphStore) {
  return createApp({
    store: graphStore,
    version: '9.9.9-test',
    exposure: () => graphStore.readGraph().then(computeExposure),
    jobs: new JobRunner(() => recompute(graphStore)),
    catalog: () => loadCatalog(),
  });
}

const assetIds = (body: { assets: ExposedAsset[] }) => body.assets.map((asset) => asset.id);

describe('GET /api/v1/health', () => {
  it('answers 200 with status ok, the version, the store and the node count', async () => {
    const response = await request(appOver(store)).get('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body).toEqual({ status: 'ok', version: '9.9.9-test', store: 'memory', nodes: graph.nodes.length });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('GET /api/v1/exposure', () => {
  it('returns {assets} with id, kind, width, ports and a path from the internet to the asset', async () => {
    const response = await request(appOver(store)).get('/api/v1/exposure');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['assets']);
    expect(assetIds(response.body)).toEqual([VM_PARTNER, VM_WEB, VMSS].sort());
    const byId = new Map<string, ExposedAsset>(response.body.assets.map((asset: ExposedAsset) => [asset.id, asset]));
    expect(byId.get(VM_WEB)).toMatchObject({
      id: VM_WEB,
      kind: 'VirtualMachine',
      name: 'vm-web',
      width: 'wide',
      ports: [{ protocol: 'tcp', from: 443, to: 443 }],
      path: ['internet', lower(ids.pip('pip-web')), lower(ids.nic('nic-web')), VM_WEB],
    });
    expect(byId.get(VM_PARTNER)).toMatchObject({ kind: 'VirtualMachine', width: 'narrow', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }] });
    expect(byId.get(VMSS)).toMatchObject({ kind: 'VirtualMachineScaleSet', width: 'wide' });
    for (const asset of response.body.assets as ExposedAsset[]) {
      expect(asset.path[0]).toBe('internet');
      expect(asset.path.at(-1)).toBe(asset.id);
      for (const port of asset.ports) expect(Object.keys(port).sort()).toEqual(['from', 'protocol', 'to']);
    }
  });

  it.each([
    ['kind=VirtualMachine', [VM_PARTNER, VM_WEB]],
    ['kind=VirtualMachineScaleSet', [VMSS]],
    ['kind=LoadBalancer', []],
    ['port=443', [VM_WEB, VMSS]],
    ['port=8080', [VM_PARTNER, VMSS]],
    ['port=22', [VMSS]],
    ['width=narrow', [VM_PARTNER]],
    ['width=wide', [VM_WEB, VMSS]],
    ['kind=VirtualMachine&port=443', [VM_WEB]],
    ['kind=VirtualMachine&width=wide', [VM_WEB]],
    ['port=8080&width=wide', [VMSS]],
    ['kind=VirtualMachine&port=8080&width=narrow', [VM_PARTNER]],
    ['kind=VirtualMachine&port=8080&width=wide', []],
  ])('filters on %s', async (query, expected) => {
    const response = await request(appOver(store)).get(`/api/v1/exposure?${query}`);
    expect(response.status).toBe(200);
    expect(assetIds(response.body)).toEqual([...expected].sort());
  });

  it.each([
    ['port=abc', 'port'],
    ['port=70000', 'port'],
    ['port=-1', 'port'],
    ['port=44.5', 'port'],
    ['port=80&port=443', 'port'],
    ['width=medium', 'width'],
    ['kind=Banana', 'kind'],
    ['kind=virtualmachine', 'kind'],
    ['colour=red', 'colour'],
  ])('rejects %s with 400 invalid_parameter naming the parameter', async (query, parameter) => {
    const response = await request(appOver(store)).get(`/api/v1/exposure?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toMatchObject({ code: 'invalid_parameter', message: expect.stringContaining(parameter) });
    expect(response.body.error.details).toEqual([expect.objectContaining({ message: expect.any(String) })]);
  });

  it('rejects an empty port parameter with 400', async () => {
    const response = await request(appOver(store)).get('/api/v1/exposure?port=');
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('invalid_parameter');
  });
});

describe('GET /api/v1/assets/:id', () => {
  const encoded = (id: string) => `/api/v1/assets/${encodeURIComponent(id)}`;

  it('returns the asset, its neighbours and its exposure for a URL-encoded lowercased id', async () => {
    const response = await request(appOver(store)).get(encoded(VM_WEB));
    expect(response.status).toBe(200);
    expect(response.body.asset).toMatchObject({ id: VM_WEB, kind: 'VirtualMachine', properties: { name: 'vm-web' } });
    expect(response.body.neighbours).toContainEqual({
      direction: 'in',
      edge: 'ATTACHED_TO',
      properties: expect.objectContaining({ syncFamily: 'networkInterfaces' }),
      node: { id: lower(ids.nic('nic-web')), kind: 'NetworkInterface', name: 'nic-web' },
    });
    expect(response.body.neighbours).toContainEqual(
      expect.objectContaining({ direction: 'in', edge: 'CONTAINS', node: expect.objectContaining({ kind: 'ResourceGroup' }) }),
    );
    expect(response.body.exposure).toMatchObject({ id: VM_WEB, width: 'wide', ports: [{ protocol: 'tcp', from: 443, to: 443 }] });
  });

  it('accepts the id as raw path segments', async () => {
    const response = await request(appOver(store)).get(`/api/v1/assets${VM_WEB}`);
    expect(response.status).toBe(200);
    expect(response.body.asset.id).toBe(VM_WEB);
    expect(response.body.exposure?.id).toBe(VM_WEB);
  });

  it('accepts a mixed-case id, encoded or as segments, because ids are lowercased', async () => {
    const mixed = ids.vm('vm-web');
    expect(mixed).not.toBe(VM_WEB);
    for (const url of [encoded(mixed), `/api/v1/assets${mixed}`, `/api/v1/assets/${mixed.slice(1)}/`]) {
      const response = await request(appOver(store)).get(url);
      expect(response.status, url).toBe(200);
      expect(response.body.asset.id, url).toBe(VM_WEB);
    }
  });

  it('returns exposure null for an asset the internet cannot reach', async () => {
    const response = await request(appOver(store)).get(encoded(VM_INTERNAL));
    expect(response.status).toBe(200);
    expect(response.body.asset.id).toBe(VM_INTERNAL);
    expect(response.body.exposure).toBeNull();
  });

  it('serves the internet node by its id', async () => {
    const response = await request(appOver(store)).get('/api/v1/assets/internet');
    expect(response.status).toBe(200);
    expect(response.body.asset).toMatchObject({ id: 'internet', kind: 'Internet' });
  });

  it('serves the internet node by its id in any case', async () => {
    for (const url of ['/api/v1/assets/Internet', '/api/v1/assets/INTERNET']) {
      const response = await request(appOver(store)).get(url);
      expect(response.status, url).toBe(200);
      expect(response.body.asset?.id, url).toBe('internet');
    }
  });

  it('answers 404 JSON for an unknown asset', async () => {
    const response = await request(appOver(store)).get(encoded(lower(ids.vm('vm-nowhere'))));
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining(lower(ids.vm('vm-nowhere'))) });
    expect(Object.keys(response.body)).toEqual(['error']);
  });
});

describe('errors', () => {
  it('answers 404 JSON for an unknown API route', async () => {
    for (const url of ['/api/v1/nope', '/api/v2/exposure', '/api/v1/assets']) {
      const response = await request(appOver(store)).get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/application\/json/);
      expect(response.body.error?.code, url).toBe('not_found');
    }
  });

  it('answers 400 JSON for a malformed percent-encoding in an asset id', async () => {
    const response = await request(appOver(store)).get('/api/v1/assets/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error?.code).toBeDefined();
    expect(response.body.error?.code).not.toBe('internal');
  });

  it('answers 500 JSON, not an HTML page, when the store cannot be read', async () => {
    const broken: GraphStore = Object.assign(Object.create(store) as GraphStore, {
      readGraph: async () => {
        throw new Error('disk on fire');
      },
      countNodesByKind: async () => {
        throw new Error('disk on fire');
      },
    });
    for (const url of ['/api/v1/exposure', encodeURI(`/api/v1/assets${VM_WEB}`)]) {
      const response = await request(appOver(broken)).get(url);
      expect(response.status, url).toBe(500);
      expect(response.headers['content-type'], url).toMatch(/application\/json/);
      expect(response.text, url).not.toMatch(/<html|<pre>/i);
      expect(response.body.error, url).toEqual({ code: 'internal', message: 'disk on fire' });
    }
    // A health check says the store is out of reach rather than failing itself.
    const health = await request(appOver(broken)).get('/api/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', error: 'disk on fire' });
  });
});

describe('startServer', () => {
  let running: RunningServer | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('answers 500 JSON while the store fails, and recovers once it can be read again', async () => {
    let failing = true;
    let reads = 0;
    const flaky: GraphStore = Object.assign(Object.create(store) as GraphStore, {
      countNodesByKind: () => store.countNodesByKind(),
      readGraph: async () => {
        reads += 1;
        if (failing) throw new Error('store offline');
        return store.readGraph();
      },
    });
    running = await startServer({ store: flaky, port: 0, host: '127.0.0.1', version: 'test' });
    const server = running.server;
    const failed = await request(server).get('/api/v1/exposure');
    expect(failed.status).toBe(500);
    expect(failed.body.error).toEqual({ code: 'internal', message: 'store offline' });

    failing = false;
    const recovered = await request(server).get('/api/v1/exposure?width=narrow');
    expect(recovered.status).toBe(200);
    expect(assetIds(recovered.body)).toEqual([VM_PARTNER]);

    // Exposure is computed once and reused.
    const readsAfterRecovery = reads;
    await request(server).get('/api/v1/exposure');
    await request(server).get(`/api/v1/assets/${encodeURIComponent(VM_WEB)}`);
    expect(reads).toBe(readsAfterRecovery);
  });
});
