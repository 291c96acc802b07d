import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectKubernetesCluster, type KubernetesCollectOptions, MAX_RESTARTS } from '../../../src/collect/kubernetes/index.js';
import { MAX_ATTEMPTS } from '../../../src/collect/kubernetes/connection.js';
import { readKubernetesSnapshot } from '../../../src/snapshot/read-kubernetes.js';
import { scratchFolder } from '../../helpers/scratch.js';
import { type FakeKubernetes, objectsFromSnapshotFolder, startFakeKubernetes } from '../../support/fake-kubernetes.js';
import { syntheticCluster } from '../../support/fake-kubernetes-synthetic.js';

const EXAMPLE = path.resolve('examples/contoso');
const CLUSTER_ID = '/subscriptions/9b2f6d1e-0000-4000-8000-000000000001/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const scratch = scratchFolder('reachgraph-collect-k8s-');
let fake: FakeKubernetes | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const exampleObjects = () => objectsFromSnapshotFolder(path.join(EXAMPLE, 'kubernetes', 'aks-prod'));
const outDir = () => path.join(scratch.root, 'kubernetes', 'aks-prod');
const readList = async (name: string) => JSON.parse(await readFile(path.join(outDir(), name), 'utf8')) as { kind: string; items: Array<Record<string, any>> };

async function collect(server: FakeKubernetes, options: Partial<KubernetesCollectOptions> = {}) {
  const waits: number[] = [];
  const result = await collectKubernetesCluster({
    kubeconfig: server.kubeconfig(),
    clusterId: CLUSTER_ID,
    outDir: outDir(),
    wait: async (ms) => void waits.push(ms),
    ...options,
  });
  return { result, waits };
}

describe('collectKubernetesCluster', () => {
  it('writes what reachgraph reads back as the same objects as the kubectl dump it was served from, several pages per kind', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    const { result } = await collect(fake, { pageSize: 2 });

    expect(result.failed).toEqual([]);
    expect(result.unreachable).toBeUndefined();
    const [source] = (await readKubernetesSnapshot(EXAMPLE)).clusters;
    const collected = await readKubernetesSnapshot(scratch.root);
    expect(collected.errors).toEqual([]);
    expect(collected.clusters).toHaveLength(1);
    expect(collected.clusters[0]!.resourceId).toBe(CLUSTER_ID);
    expect(collected.clusters[0]!.objects).toEqual(source!.objects);
    expect(result.counts).toEqual({
      kubernetesNamespaces: 5,
      kubernetesNodes: 3,
      kubernetesServiceAccounts: 10,
      kubernetesWorkloads: 7 + 8 + 1 + 1 + 1 + 1,
      kubernetesPods: 13,
      kubernetesServices: 9 + 1,
      kubernetesIngressClasses: 1,
      kubernetesIngresses: 2,
      kubernetesNetworkPolicies: 5,
    });

    const pods = fake.requests.filter((request) => request.path === '/api/v1/pods');
    expect(pods).toHaveLength(7);
    expect(pods[0]!.query).toEqual({ limit: '2' });
    expect(pods.slice(1).every((request) => request.query.continue && request.query.limit === '2')).toBe(true);
    expect(result.requests).toBe(fake.requests.length);
  });

  it('writes kubectl-style Lists whose items carry their apiVersion and kind, and nothing but them and cluster.json', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    await collect(fake, { pageSize: 3 });

    const files = (await readdir(outDir())).sort();
    expect(files).toEqual(['cluster.json', 'cronjobs.json', 'daemonsets.json', 'deployments.json', 'endpointslices.json', 'ingressclasses.json', 'ingresses.json',
      'jobs.json', 'namespaces.json', 'networkpolicies.json', 'nodes.json', 'pods.json', 'replicasets.json', 'serviceaccounts.json', 'services.json', 'statefulsets.json']);
    const deployments = await readList('deployments.json');
    expect(deployments).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(deployments.items.every((item) => item.apiVersion === 'apps/v1' && item.kind === 'Deployment')).toBe(true);
    expect((await readList('endpointslices.json')).items[0]).toMatchObject({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' });
    expect(JSON.parse(await readFile(path.join(outDir(), 'cluster.json'), 'utf8'))).toEqual({ resourceId: CLUSTER_ID });
  });

  it('never lists Secrets or ConfigMaps, and strips managedFields and the last-applied annotation but keeps env values', async () => {
    const objects = syntheticCluster({ pods: 8 });
    objects.Secret = [{ metadata: { name: 'db', namespace: 'team-0' }, data: { password: 'aHVudGVyMg==' } }];
    objects.ConfigMap = [{ metadata: { name: 'settings', namespace: 'team-0' }, data: { mode: 'x' } }];
    fake = await startFakeKubernetes({ objects });
    await collect(fake);

    expect(fake.requests.map((request) => request.path).filter((requested) => /secrets|configmaps/.test(requested))).toEqual([]);
    const deployment = (await readList('deployments.json')).items[0]!;
    expect(deployment.metadata.managedFields).toBeUndefined();
    expect(deployment.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    const pod = (await readList('pods.json')).items[0]!;
    expect(pod.metadata.managedFields).toBeUndefined();
    expect(pod.spec.containers[0].env).toEqual([{ name: 'ASPNETCORE_URLS', value: 'http://+:8080' }, { name: 'LOG_LEVEL', value: 'info' }]);
  });

  it('a kind answered 403 fails its family with the cause and the fix; every other kind is written', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.forbid('Node');
    const { result } = await collect(fake);

    expect(result.failed).toEqual([{ family: 'kubernetesNodes', kind: 'Node', reason: expect.stringContaining('403 Forbidden listing nodes'), denied: true }]);
    expect(result.failed[0]!.reason).toContain('cannot list resource "nodes"');
    expect(result.failed[0]!.reason).toContain('Microsoft.ContainerService/managedClusters/nodes/read');
    expect(result.counts.kubernetesNodes).toBeUndefined();
    expect(result.counts.kubernetesPods).toBe(13);
    const files = await readdir(outDir());
    expect(files).not.toContain('nodes.json');
    expect(files.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(files).toHaveLength(15);
  });

  it('a 403 on a namespaced kind names Azure Kubernetes Service RBAC Reader; a 404 names the API the cluster lacks; a family fails if one of its kinds does', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.forbid('Pod');
    fake.unserve('EndpointSlice');
    const { result } = await collect(fake);

    expect(result.failed).toEqual([
      { family: 'kubernetesPods', kind: 'Pod', reason: expect.stringContaining('grant the app Azure Kubernetes Service RBAC Reader on the cluster'), denied: true },
      { family: 'kubernetesServices', kind: 'EndpointSlice', reason: expect.stringContaining('404 Not Found listing endpointslices.discovery.k8s.io: the cluster does not serve discovery.k8s.io/v1 endpointslices'), denied: false },
    ]);
    expect(result.counts.kubernetesServices).toBe(10 - 1);
  });

  it('restarts a kind whose continue token expired (410), without duplicating or losing objects', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.expireContinue('Pod', 2);
    const { result } = await collect(fake, { pageSize: 5 });

    expect(result.failed).toEqual([]);
    const statuses = fake.requests.filter((request) => request.path === '/api/v1/pods').map((request) => [request.status, request.query.continue ? 'continue' : 'first']);
    expect(statuses).toEqual([[200, 'first'], [410, 'continue'], [200, 'first'], [410, 'continue'], [200, 'first'], [200, 'continue'], [200, 'continue']]);
    const names = (await readList('pods.json')).items.map((item) => item.metadata.name);
    expect(names).toEqual(exampleObjects().Pod!.map((pod) => (pod.metadata as { name: string }).name));
    expect(result.counts.kubernetesPods).toBe(13);
  });

  it(`gives up on a kind whose continue tokens keep expiring after ${MAX_RESTARTS} restarts`, async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.expireContinue('Pod', MAX_RESTARTS + 1);
    const { result } = await collect(fake, { pageSize: 5 });

    expect(result.failed).toEqual([{ family: 'kubernetesPods', kind: 'Pod', reason: expect.stringMatching(/^410 Gone listing pods: the continue token expired 4 times in a row/), denied: false }]);
    expect(await readdir(outDir())).not.toContain('pods.json');
  });

  it('retries 429 after the Retry-After the server asked for, and 5xx with backoff', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.throttle('Deployment', 2, 7);
    fake.fail('Service', 503, 1);
    const { result, waits } = await collect(fake, { concurrency: 1 });

    expect(result.failed).toEqual([]);
    expect(result.counts.kubernetesWorkloads).toBe(19);
    expect(waits.slice(0, 2)).toEqual([7000, 7000]);
    expect(waits).toHaveLength(3);
    expect(waits[2]).toBeGreaterThanOrEqual(800);
    expect(waits[2]).toBeLessThanOrEqual(1200);
  });

  it(`fails a kind after ${MAX_ATTEMPTS} attempts at an API server that keeps answering 503`, async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.fail('Job', 503, 100);
    const { result } = await collect(fake);

    expect(result.failed).toEqual([
      { family: 'kubernetesWorkloads', kind: 'Job', reason: expect.stringMatching(/^503 listing jobs.batch \(Internal error occurred: .*\): the API server kept refusing after retries; collect again later$/), denied: false },
    ]);
    expect(fake.requests.filter((request) => request.path === '/apis/batch/v1/jobs')).toHaveLength(MAX_ATTEMPTS);
    expect(result.counts.kubernetesWorkloads).toBe(19 - 1);
  });

  it('counts every request through onRequest', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    fake.throttle('Pod', 1, 0);
    let counted = 0;
    const { result } = await collect(fake, { pageSize: 4, onRequest: () => void (counted += 1) });
    expect(counted).toBe(fake.requests.length);
    expect(result.requests).toBe(counted);
  });

  it('collects 2,000 synthetic pods in 500-object pages, decoding gzip answers', async () => {
    fake = await startFakeKubernetes({ objects: syntheticCluster({ pods: 2000 }) });
    const { result } = await collect(fake);

    expect(result.failed).toEqual([]);
    expect(result.counts).toMatchObject({ kubernetesPods: 2000, kubernetesWorkloads: 1000, kubernetesServices: 500, kubernetesNodes: 40 });
    const pods = fake.requests.filter((request) => request.path === '/api/v1/pods');
    expect(pods.map((request) => request.gzip)).toEqual([true, true, true, true]);
    const read = await readKubernetesSnapshot(scratch.root);
    expect(read.errors).toEqual([]);
    expect(read.clusters[0]!.objects.filter((object) => object.kind === 'Pod')).toHaveLength(2000);
  });

  it('stops when aborted and leaves no unfinished file behind', async () => {
    fake = await startFakeKubernetes({ objects: exampleObjects() });
    const controller = new AbortController();
    let requests = 0;
    const run = collect(fake, { pageSize: 1, signal: controller.signal, onRequest: () => (++requests === 6 ? controller.abort() : undefined) });
    await expect(run).rejects.toThrow(/abort/i);
    const files = await readdir(outDir());
    expect(files.filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
