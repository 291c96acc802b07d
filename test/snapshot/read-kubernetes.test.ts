import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../helpers/scratch.js';
import { KubernetesKinds, readKubernetesObject, readKubernetesSnapshot } from '../../src/snapshot/read-kubernetes.js';
import { raw } from '../helpers/kubernetes.js';

const scratch = scratchFolder('reachgraph-k8s-');
const put = scratch.put;

const list = (items: unknown[], kind = 'List') => ({ apiVersion: 'v1', kind, items, metadata: { resourceVersion: '' } });
const POD = raw('Pod', 'web-1', { namespace: 'shop', labels: { app: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] }, status: { phase: 'Running' } });
const NS = raw('Namespace', 'shop', { labels: { team: 'shop' } });

describe('readKubernetesSnapshot: file shapes', () => {
  it('a snapshot without a kubernetes folder has no clusters and no errors', async () => {
    await put('azure/resources.json', []);
    expect(await readKubernetesSnapshot(scratch.root)).toEqual({ clusters: [], files: [], errors: [] });
  });

  it('reads a `kubectl get … -A -o json` List whose items carry their own kind', async () => {
    await put('kubernetes/aks-prod/pods.json', list([POD]));
    await put('kubernetes/aks-prod/namespaces.json', list([NS]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.files).toEqual([path.join('kubernetes', 'aks-prod', 'namespaces.json'), path.join('kubernetes', 'aks-prod', 'pods.json')]);
    const [cluster] = snapshot.clusters;
    expect(cluster).toMatchObject({ name: 'aks-prod', resourceId: null, folder: path.join('kubernetes', 'aks-prod'), duplicates: 0, unknownKinds: {} });
    expect(cluster!.objects.map((object) => [object.kind, object.namespace, object.name])).toEqual([
      ['Namespace', null, 'shop'],
      ['Pod', 'shop', 'web-1'],
    ]);
    expect(cluster!.objects[1]).toMatchObject({ labels: { app: 'web' }, status: { phase: 'Running' }, uid: 'uid-Pod-web-1', file: path.join('kubernetes', 'aks-prod', 'pods.json') });
  });

  it('gives the items of a typed list (PodList) the list kind when they omit their own', async () => {
    const { kind: _kind, ...withoutKind } = POD;
    await put('kubernetes/aks/pods.json', list([withoutKind], 'PodList'));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.clusters[0]!.objects.map((object) => object.kind)).toEqual(['Pod']);
  });

  it('reads a bare array of objects and a single object', async () => {
    await put('kubernetes/aks/array.json', [NS, POD]);
    await put('kubernetes/aks/single.json', raw('Service', 'web', { namespace: 'shop', spec: { type: 'ClusterIP' } }));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.clusters[0]!.objects.map((object) => object.kind).sort()).toEqual(['Namespace', 'Pod', 'Service']);
  });

  it('accepts objects without status (and without spec), and kinds in any case', async () => {
    await put('kubernetes/aks/x.json', list([{ apiVersion: 'v1', kind: 'pod', metadata: { name: 'bare', namespace: 'a' } }]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.clusters[0]!.objects[0]).toMatchObject({ kind: 'Pod', spec: {}, status: {} });
  });

  it('puts a namespaced object without a namespace in `default`, and ignores the namespace of cluster-scoped kinds', () => {
    expect(readKubernetesObject(raw('Pod', 'p'), 'f')).toMatchObject({ namespace: 'default' });
    expect(readKubernetesObject(raw('Node', 'n', { namespace: 'oops' }), 'f')).toMatchObject({ namespace: null });
    expect(readKubernetesObject(raw('IngressClass', 'nginx'), 'f')).toMatchObject({ namespace: null });
  });

  it('counts and leaves out kinds it does not model, never keeping their content', async () => {
    await put('kubernetes/aks/all.json', list([POD, raw('Secret', 's1', { namespace: 'shop', data: { password: 'aHVudGVyMg==' } }), raw('Secret', 's2', { namespace: 'shop' }), raw('ConfigMap', 'c', { namespace: 'shop' })]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    const [cluster] = snapshot.clusters;
    expect(cluster!.unknownKinds).toEqual({ Secret: 2, ConfigMap: 1 });
    expect(cluster!.objects.map((object) => object.kind)).toEqual(['Pod']);
    expect(JSON.stringify(cluster)).not.toContain('aHVudGVyMg==');
    expect(snapshot.errors).toEqual([]);
  });

  it('keeps one copy of an object present in several files (the last read) and counts duplicates', async () => {
    await put('kubernetes/aks/a.json', list([POD]));
    await put('kubernetes/aks/b.json', list([{ ...POD, status: { phase: 'Succeeded' } }]));
    const [cluster] = (await readKubernetesSnapshot(scratch.root)).clusters;
    expect(cluster!.duplicates).toBe(1);
    expect(cluster!.objects).toHaveLength(1);
    expect(cluster!.objects[0]!.status).toEqual({ phase: 'Succeeded' });
  });

  it('reads one folder per cluster, in name order', async () => {
    await put('kubernetes/zeta/pods.json', list([POD]));
    await put('kubernetes/alpha/namespaces.json', list([NS]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.clusters.map((cluster) => cluster.name)).toEqual(['alpha', 'zeta']);
  });

  it('every modelled kind is recognised', () => {
    for (const kind of KubernetesKinds) expect(readKubernetesObject(raw(kind, 'x', { namespace: 'n' }), 'f')).toMatchObject({ kind });
  });
});

describe('readKubernetesSnapshot: cluster.json', () => {
  it('reads the resource id that names the cluster exactly', async () => {
    await put('kubernetes/prod/cluster.json', { resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod ' });
    await put('kubernetes/prod/pods.json', list([POD]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.clusters[0]).toMatchObject({ name: 'prod', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod' });
    expect(snapshot.clusters[0]!.objects).toHaveLength(1);
    expect(snapshot.files).toContain(path.join('kubernetes', 'prod', 'cluster.json'));
  });

  it('reports a cluster.json without a resourceId, and still reads the objects', async () => {
    await put('kubernetes/prod/cluster.json', { id: 'nope' });
    await put('kubernetes/prod/pods.json', list([POD]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([{ path: path.join('kubernetes', 'prod', 'cluster.json'), message: expect.stringMatching(/expected \{"resourceId"/) }]);
    expect(snapshot.clusters[0]).toMatchObject({ resourceId: null });
    expect(snapshot.clusters[0]!.objects).toHaveLength(1);
  });
});

describe('readKubernetesSnapshot: malformed and partial dumps', () => {
  it('reports malformed JSON with its path, line and column; the other files still load', async () => {
    await put('kubernetes/aks/broken.json', '{\n  "kind": "List",\n  "items": [\n    {"kind": "Pod",, }\n  ]\n}');
    await put('kubernetes/aks/namespaces.json', list([NS]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([{ path: path.join('kubernetes', 'aks', 'broken.json'), message: expect.stringMatching(/^malformed JSON at line 4, column 20: /) }]);
    expect(snapshot.clusters[0]!.objects.map((object) => object.name)).toEqual(['shop']);
  });

  it('reports a document that is not kubectl output', async () => {
    await put('kubernetes/aks/odd.json', { hello: 'world' });
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([{ path: path.join('kubernetes', 'aks', 'odd.json'), message: expect.stringMatching(/expected `kubectl get … -o json` output/) }]);
  });

  it('reports items that are not Kubernetes objects by index, and keeps the others', async () => {
    await put('kubernetes/aks/pods.json', list([POD, { kind: 'Pod', metadata: {} }, 'text']));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^item 1 is not a Kubernetes object: metadata\.name/),
      expect.stringMatching(/^item 2 is not a Kubernetes object/),
    ]);
    expect(snapshot.clusters[0]!.objects).toHaveLength(1);
  });

  it('reports a file outside any cluster folder', async () => {
    await put('kubernetes/pods.json', list([POD]));
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.clusters).toEqual([]);
    expect(snapshot.errors).toEqual([{ path: path.join('kubernetes', 'pods.json'), message: expect.stringMatching(/not in a cluster folder/) }]);
  });

  it('reads a file with a byte-order mark', async () => {
    await put('kubernetes/aks/ns.json', `\uFEFF${JSON.stringify(list([NS]))}`);
    const snapshot = await readKubernetesSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.clusters[0]!.objects).toHaveLength(1);
  });
});
