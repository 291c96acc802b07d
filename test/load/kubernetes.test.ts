import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../helpers/scratch.js';
import { loadSnapshot } from '../../src/load/ingest.js';
import { KUBERNETES_FAMILY_KEYS, kubernetesFamilyOf, parseImageId, parseImageReference, selectorMatches, transformKubernetes } from '../../src/load/kubernetes/index.js';
import { labelSelector } from '../../src/load/kubernetes/selectors.js';
import type { GraphEdge, GraphNode } from '../../src/model/graph.js';
import type { ContainerRecord, IngressRoute, LabelSelector, NetworkPolicyIngressRule, ServicePort } from '../../src/model/kubernetes.js';
import { KubernetesKinds, type KubernetesObject } from '../../src/snapshot/read-kubernetes.js';
import { contosoKubernetesIds } from '../fixtures/contoso-expected.js';
import { lower } from '../helpers/arm.js';
import { aksCluster, dump, object, podSpec, raw } from '../helpers/kubernetes.js';

const CLUSTER = aksCluster('aks-prod');
const CLUSTER_ID = lower(CLUSTER.id);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

function load(objects: KubernetesObject[], resources = [CLUSTER]) {
  return transformKubernetes({ clusters: [dump('aks-prod', objects)], files: [], errors: [] }, resources);
}
type Result = ReturnType<typeof load>;
const id = (namespace: string | null, kind: string, name: string) => `${CLUSTER_ID}/k8s/${namespace ?? '_cluster'}/${kind}/${name}`;
const nodeOf = (result: Result, nodeId: string): GraphNode | undefined => result.nodes.find((candidate) => candidate.id === nodeId);
const props = (result: Result, nodeId: string) => nodeOf(result, nodeId)?.properties ?? {};
const json = <T>(result: Result, nodeId: string, key: string): T => JSON.parse(String(props(result, nodeId)[key])) as T;
const edges = (result: Result, kind: string, source?: string): GraphEdge[] => result.edges.filter((edge) => edge.kind === kind && (!source || edge.source === source));
const targets = (result: Result, kind: string, source: string) => edges(result, kind, source).map((edge) => edge.target).sort();
const containers = (result: Result, nodeId: string) => json<ContainerRecord[]>(result, nodeId, 'containers');

const ns = (name: string, labels: Record<string, string> = {}) => object('Namespace', name, { labels: { 'kubernetes.io/metadata.name': name, ...labels } });
const sa = (namespace: string, name: string, extra: Record<string, unknown> = {}) => object('ServiceAccount', name, { namespace, ...extra });
const pod = (namespace: string, name: string, options: { labels?: Record<string, string>; owner?: [string, string]; spec?: Record<string, unknown>; status?: Record<string, unknown> } = {}) =>
  object('Pod', name, { namespace, labels: options.labels, owner: options.owner, spec: options.spec ?? podSpec('nginx:1.25'), status: options.status });

describe('ids and containment', () => {
  it('ids are exactly `<cluster id lowercased>/k8s/<namespace>/<kind>/<name>`, `_cluster` for cluster-scoped objects', () => {
    const result = load([ns('shop'), object('Node', 'aks-system-0'), object('IngressClass', 'nginx', { spec: { controller: 'k8s.io/ingress-nginx' } }), pod('shop', 'web-1'), sa('shop', 'default')]);
    expect(CLUSTER_ID).toBe(`/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks-prod`);
    expect(result.nodes.map((node) => [node.kind, node.id]).sort()).toEqual([
      ['KubernetesIngressClass', `${CLUSTER_ID}/k8s/_cluster/ingressclass/nginx`],
      ['KubernetesNamespace', `${CLUSTER_ID}/k8s/_cluster/namespace/shop`],
      ['KubernetesNode', `${CLUSTER_ID}/k8s/_cluster/node/aks-system-0`],
      ['KubernetesPod', `${CLUSTER_ID}/k8s/shop/pod/web-1`],
      ['KubernetesServiceAccount', `${CLUSTER_ID}/k8s/shop/serviceaccount/default`],
    ]);
  });

  it('CONTAINS: cluster → namespaces, nodes and ingress classes; namespace → its objects (cluster → object when the namespace is not dumped)', () => {
    const result = load([ns('shop'), object('Node', 'n1'), object('IngressClass', 'nginx'), pod('shop', 'web-1'), pod('orphans', 'lost')]);
    expect(targets(result, 'CONTAINS', CLUSTER_ID)).toEqual([id(null, 'ingressclass', 'nginx'), id(null, 'namespace', 'shop'), id(null, 'node', 'n1'), id('orphans', 'pod', 'lost')].sort());
    expect(targets(result, 'CONTAINS', id(null, 'namespace', 'shop'))).toEqual([id('shop', 'pod', 'web-1')]);
  });

  it('stamps every node and edge with its family and the cluster id (lowercased) as scope', () => {
    const result = load([ns('shop'), pod('shop', 'web-1'), object('Service', 'web', { namespace: 'shop', spec: { selector: { app: 'web' } } })]);
    expect(props(result, id(null, 'namespace', 'shop'))).toMatchObject({ syncFamily: 'kubernetesNamespaces', syncScope: CLUSTER_ID });
    expect(props(result, id('shop', 'pod', 'web-1'))).toMatchObject({ syncFamily: 'kubernetesPods', syncScope: CLUSTER_ID });
    expect(props(result, id('shop', 'service', 'web'))).toMatchObject({ syncFamily: 'kubernetesServices', syncScope: CLUSTER_ID });
    for (const edge of result.edges) expect(edge.properties).toMatchObject({ syncScope: CLUSTER_ID, syncFamily: expect.stringMatching(/^kubernetes/) });
    expect(KUBERNETES_FAMILY_KEYS).toContain('kubernetesPods');
  });

  it('every kind the reader keeps has a family', () => {
    for (const kind of KubernetesKinds) expect(kubernetesFamilyOf(kind), kind).toBeDefined();
  });

  it('namespaces carry their labels, with kubernetes.io/metadata.name when the dump lacks it', () => {
    const result = load([object('Namespace', 'payments', { labels: { compliance: 'pci' } })]);
    expect(json(result, id(null, 'namespace', 'payments'), 'labels')).toEqual({ 'kubernetes.io/metadata.name': 'payments', compliance: 'pci' });
  });

  it('nodes: agent pool, scale set from providerID, addresses', () => {
    const result = load([
      object('Node', 'aks-edge-1234-vmss000000', {
        labels: { 'kubernetes.azure.com/agentpool': 'edge', 'kubernetes.azure.com/mode': 'user' },
        spec: { providerID: 'azure:///subscriptions/S/resourceGroups/MC_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-edge-1234-vmss/virtualMachines/0' },
        status: { addresses: [{ type: 'InternalIP', address: '10.2.0.6' }, { type: 'ExternalIP', address: '192.0.2.71' }, { type: 'Hostname', address: 'x' }], nodeInfo: { kubeletVersion: 'v1.29.4' } },
      }),
    ]);
    expect(props(result, id(null, 'node', 'aks-edge-1234-vmss000000'))).toMatchObject({
      agentPool: 'edge',
      mode: 'user',
      scaleSetId: '/subscriptions/s/resourcegroups/mc_rg/providers/microsoft.compute/virtualmachinescalesets/aks-edge-1234-vmss',
      internalIPs: ['10.2.0.6'],
      externalIPs: ['192.0.2.71'],
      kubeletVersion: 'v1.29.4',
    });
  });
});

describe('owners: OWNS edges and ownerWorkloadId', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: podSpec('nginx:1.25') };
  const objects = [
    ns('shop'),
    object('Deployment', 'web', { namespace: 'shop', spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template } }),
    object('ReplicaSet', 'web-5d8f', { namespace: 'shop', owner: ['Deployment', 'web'], spec: { replicas: 3, template } }),
    pod('shop', 'web-5d8f-aaaaa', { labels: { app: 'web' }, owner: ['ReplicaSet', 'web-5d8f'] }),
    object('CronJob', 'report', { namespace: 'shop', spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'report' } }, spec: podSpec('report:1') } } } } }),
    object('Job', 'report-123', { namespace: 'shop', owner: ['CronJob', 'report'], spec: { template: { spec: podSpec('report:1') } } }),
    pod('shop', 'report-123-x', { owner: ['Job', 'report-123'] }),
    object('StatefulSet', 'db', { namespace: 'shop', spec: { template: { spec: podSpec('postgres:16') } } }),
    pod('shop', 'db-0', { owner: ['StatefulSet', 'db'] }),
    object('DaemonSet', 'agent', { namespace: 'shop', spec: { template: { spec: podSpec('agent:1') } }, status: { desiredNumberScheduled: 3 } }),
    pod('shop', 'agent-x', { owner: ['DaemonSet', 'agent'] }),
    pod('shop', 'bare'),
    pod('shop', 'mirror', { owner: ['Node', 'n1'] }),
  ];

  it('a pod is attributed to its top owning workload: pod → replica set → deployment, pod → job → cron job', () => {
    const result = load(objects);
    expect(props(result, id('shop', 'pod', 'web-5d8f-aaaaa')).ownerWorkloadId).toBe(id('shop', 'deployment', 'web'));
    expect(props(result, id('shop', 'pod', 'report-123-x')).ownerWorkloadId).toBe(id('shop', 'cronjob', 'report'));
    expect(props(result, id('shop', 'pod', 'db-0')).ownerWorkloadId).toBe(id('shop', 'statefulset', 'db'));
    expect(props(result, id('shop', 'pod', 'agent-x')).ownerWorkloadId).toBe(id('shop', 'daemonset', 'agent'));
    expect(props(result, id('shop', 'pod', 'bare')).ownerWorkloadId).toBeNull();
    // A static pod's mirror is owned by its Node, which is no workload.
    expect(props(result, id('shop', 'pod', 'mirror')).ownerWorkloadId).toBeNull();
    // Owned workloads name their top owner; top-level ones none.
    expect(props(result, id('shop', 'replicaset', 'web-5d8f')).ownerWorkloadId).toBe(id('shop', 'deployment', 'web'));
    expect(props(result, id('shop', 'job', 'report-123')).ownerWorkloadId).toBe(id('shop', 'cronjob', 'report'));
    expect(props(result, id('shop', 'deployment', 'web')).ownerWorkloadId).toBeNull();
  });

  it('OWNS edges follow owner references', () => {
    const result = load(objects);
    expect(edges(result, 'OWNS').map((edge) => [edge.source, edge.target]).sort()).toEqual(
      [
        [id('shop', 'deployment', 'web'), id('shop', 'replicaset', 'web-5d8f')],
        [id('shop', 'replicaset', 'web-5d8f'), id('shop', 'pod', 'web-5d8f-aaaaa')],
        [id('shop', 'cronjob', 'report'), id('shop', 'job', 'report-123')],
        [id('shop', 'job', 'report-123'), id('shop', 'pod', 'report-123-x')],
        [id('shop', 'statefulset', 'db'), id('shop', 'pod', 'db-0')],
        [id('shop', 'daemonset', 'agent'), id('shop', 'pod', 'agent-x')],
      ].sort(),
    );
    expect(result.warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/: ServiceAccount 6$/) })]);
  });

  it('workloads: kind, replicas, labels, selector and the pod template (CronJob: its job template)', () => {
    const result = load(objects);
    expect(props(result, id('shop', 'deployment', 'web'))).toMatchObject({ workloadKind: 'Deployment', replicas: 3, namespace: 'shop', serviceAccountName: 'default' });
    expect(json(result, id('shop', 'deployment', 'web'), 'selector')).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [] });
    expect(json(result, id('shop', 'deployment', 'web'), 'podTemplateLabels')).toEqual({ app: 'web' });
    expect(props(result, id('shop', 'daemonset', 'agent')).replicas).toBe(3);
    expect(props(result, id('shop', 'cronjob', 'report'))).toMatchObject({ workloadKind: 'CronJob', replicas: null, schedule: '0 2 * * *' });
    expect(json(result, id('shop', 'cronjob', 'report'), 'podTemplateLabels')).toEqual({ app: 'report' });
    expect(containers(result, id('shop', 'cronjob', 'report'))[0]).toMatchObject({ image: 'report:1', repository: 'library/report', runningImage: null });
  });

  it('an owner missing from the dump: no OWNS edge, no attribution, one warning for the cluster', () => {
    const result = load([ns('shop'), sa('shop', 'default'), pod('shop', 'web-1', { owner: ['ReplicaSet', 'web-5d8f'] }), pod('shop', 'web-2', { owner: ['ReplicaSet', 'web-5d8f'] })]);
    expect(props(result, id('shop', 'pod', 'web-1')).ownerWorkloadId).toBeNull();
    expect(edges(result, 'OWNS')).toEqual([]);
    expect(result.warnings).toEqual([{ subject: 'kubernetes/aks-prod', message: expect.stringMatching(/references to objects the dump does not hold were left out .*: ReplicaSet 2$/) }]);
  });
});

describe('images', () => {
  it('parses references with Docker Hub defaults, registries with ports, tags and digests', () => {
    expect(parseImageReference('nginx:1.25')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: '1.25', digest: null });
    expect(parseImageReference('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: 'latest', digest: null });
    expect(parseImageReference('grafana/grafana:latest')).toEqual({ registry: 'docker.io', repository: 'grafana/grafana', tag: 'latest', digest: null });
    expect(parseImageReference('docker.io/nginx:1')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: '1', digest: null });
    expect(parseImageReference('index.docker.io/library/nginx:1')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: '1', digest: null });
    expect(parseImageReference(`myacr.azurecr.io/team/web@${D1}`)).toEqual({ registry: 'myacr.azurecr.io', repository: 'team/web', tag: null, digest: D1 });
    expect(parseImageReference(`myacr.azurecr.io/team/web:2.0@${D1}`)).toEqual({ registry: 'myacr.azurecr.io', repository: 'team/web', tag: '2.0', digest: D1 });
    expect(parseImageReference('localhost:5000/tool:1.0')).toEqual({ registry: 'localhost:5000', repository: 'tool', tag: '1.0', digest: null });
    expect(parseImageReference('registry.example.com:8443/a/b/c')).toEqual({ registry: 'registry.example.com:8443', repository: 'a/b/c', tag: 'latest', digest: null });
    expect(parseImageReference('localhost/tool')).toEqual({ registry: 'localhost', repository: 'tool', tag: 'latest', digest: null });
    expect(parseImageReference('[::1]:5000/tool')).toEqual({ registry: '[::1]:5000', repository: 'tool', tag: 'latest', digest: null });
    expect(parseImageReference('MyACR.azurecr.io/Team/Web:V1')).toEqual({ registry: 'myacr.azurecr.io', repository: 'team/web', tag: 'V1', digest: null });
  });

  it('reads the running digest from imageID in the forms runtimes report', () => {
    expect(parseImageId(`docker-pullable://nginx@${D1}`)).toEqual({ kind: 'repository', registry: 'docker.io', repository: 'library/nginx', digest: D1 });
    expect(parseImageId(`docker-pullable://myacr.azurecr.io/web@${D1}`)).toEqual({ kind: 'repository', registry: 'myacr.azurecr.io', repository: 'web', digest: D1 });
    expect(parseImageId(`docker.io/library/nginx@${D2}`)).toEqual({ kind: 'repository', registry: 'docker.io', repository: 'library/nginx', digest: D2 });
    expect(parseImageId(D3)).toEqual({ kind: 'image-id', digest: D3 });
    expect(parseImageId(`docker://${D3}`)).toEqual({ kind: 'image-id', digest: D3 });
    expect(parseImageId('')).toEqual({ kind: 'unknown' });
    expect(parseImageId(null)).toEqual({ kind: 'unknown' });
    expect(parseImageId('nginx:1.25')).toEqual({ kind: 'unknown' });
  });

  const spec = {
    containers: [
      { name: 'pullable', image: 'nginx:1.25' },
      { name: 'containerd', image: 'myacr.azurecr.io/team/web:2.0' },
      { name: 'local', image: 'ghcr.io/randomdev/tool:1.0' },
      { name: 'docker', image: `myacr.azurecr.io/team/api@${D1}` },
      { name: 'drift', image: `myacr.azurecr.io/team/ledger:2.3.1@${D1}` },
      { name: 'waiting', image: 'busybox' },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
  };
  const status = {
    phase: 'Running',
    containerStatuses: [
      { name: 'pullable', imageID: `docker-pullable://nginx@${D2}` },
      { name: 'containerd', imageID: `myacr.azurecr.io/team/web@${D2}` },
      { name: 'local', imageID: D3 },
      { name: 'docker', imageID: `docker://${D3}` },
      { name: 'drift', imageID: `myacr.azurecr.io/team/ledger@${D2}` },
      { name: 'waiting', imageID: '' },
    ],
    initContainerStatuses: [{ name: 'init', imageID: `docker.io/library/busybox@${D1}` }],
  };

  it('each container records its spec image and running digest, with the digest source flagged', () => {
    const result = load([sa('shop', 'default'), pod('shop', 'p', { spec, status })]);
    const byName = Object.fromEntries(containers(result, id('shop', 'pod', 'p')).map((record) => [record.name, record]));
    expect(byName.pullable).toMatchObject({ registry: 'docker.io', repository: 'library/nginx', tag: '1.25', specDigest: null, runningDigest: D2, runningImage: `docker.io/library/nginx@${D2}`, runningDigestSource: 'repository' });
    expect(byName.containerd).toMatchObject({ runningDigest: D2, runningImage: `myacr.azurecr.io/team/web@${D2}`, runningDigestSource: 'repository' });
    // A local image id only: kept with the spec's repository, flagged.
    expect(byName.local).toMatchObject({ runningDigest: D3, runningImage: `ghcr.io/randomdev/tool@${D3}`, runningDigestSource: 'image-id' });
    // A local image id, but the spec pins a digest: the pinned digest is what the kubelet pulled.
    expect(byName.docker).toMatchObject({ specDigest: D1, runningDigest: D1, runningImage: `myacr.azurecr.io/team/api@${D1}`, runningDigestSource: 'spec' });
    expect(byName.drift).toMatchObject({ tag: '2.3.1', specDigest: D1, runningDigest: D2, runningDigestSource: 'repository' });
    expect(byName.waiting).toMatchObject({ tag: 'latest', runningImage: null, runningDigest: null, runningDigestSource: null });
    expect(byName.init).toMatchObject({ init: true, runningDigest: D1 });
  });

  it('RUNS_IMAGE edges go to ContainerImage nodes keyed by registry, repository and running digest', () => {
    const result = load([sa('shop', 'default'), pod('shop', 'p', { spec, status }), pod('shop', 'q', { spec: podSpec('nginx:1.26'), status: { containerStatuses: [{ name: 'main', imageID: `docker.io/library/nginx@${D2}` }] } })]);
    const nginx = `image:docker.io/library/nginx@${D2}`;
    expect(nodeOf(result, nginx)).toMatchObject({ kind: 'ContainerImage', properties: { registry: 'docker.io', repository: 'library/nginx', digest: D2, tags: ['1.25', '1.26'], digestIsImageId: false } });
    expect(nodeOf(result, `image:ghcr.io/randomdev/tool@${D3}`)?.properties).toMatchObject({ digestIsImageId: true, tags: ['1.0'] });
    const runs = edges(result, 'RUNS_IMAGE', id('shop', 'pod', 'p'));
    expect(runs.map((edge) => edge.target).sort()).toEqual(
      [
        nginx,
        `image:myacr.azurecr.io/team/web@${D2}`,
        `image:ghcr.io/randomdev/tool@${D3}`,
        `image:myacr.azurecr.io/team/api@${D1}`,
        `image:myacr.azurecr.io/team/ledger@${D2}`,
        `image:docker.io/library/busybox@${D1}`,
      ].sort(),
    );
    const drift = runs.find((edge) => edge.target === `image:myacr.azurecr.io/team/ledger@${D2}`);
    expect(drift?.properties).toMatchObject({ container: 'drift', imageRef: `myacr.azurecr.io/team/ledger:2.3.1@${D1}`, tag: '2.3.1', digestPinned: true, digestDrift: true, digestSource: 'repository', init: false });
    const pinned = runs.find((edge) => edge.target === `image:myacr.azurecr.io/team/api@${D1}`);
    expect(pinned?.properties).toMatchObject({ digestPinned: true, digestDrift: false, digestSource: 'spec', tag: null });
    expect(runs.find((edge) => edge.target === nginx)?.properties).toMatchObject({ container: 'pullable', digestPinned: false });
  });
});

describe('security context', () => {
  const secure = (name: string, spec: Record<string, unknown>, extra: KubernetesObject[] = []) => load([sa('shop', 'default'), ...extra, pod('shop', name, { spec })]);

  it('pod-level runAsNonRoot and runAsUser are inherited; a container setting wins', () => {
    const result = secure('p', {
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      containers: [
        { name: 'inherits', image: 'a' },
        { name: 'root', image: 'b', securityContext: { runAsUser: 0 } },
        { name: 'allowed-root', image: 'c', securityContext: { runAsNonRoot: false } },
      ],
    });
    const [inherits, root, allowedRoot] = containers(result, id('shop', 'pod', 'p'));
    expect(inherits).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runsAsRoot: false });
    expect(root).toMatchObject({ runAsNonRoot: true, runAsUser: 0, runsAsRoot: true });
    expect(allowedRoot).toMatchObject({ runAsNonRoot: false, runAsUser: 1000, runsAsRoot: false });
    expect(props(result, id('shop', 'pod', 'p')).runsAsRoot).toBe(true);
  });

  it('runsAsRoot when neither runAsNonRoot nor a non-zero runAsUser says otherwise', () => {
    const result = secure('p', {
      containers: [
        { name: 'unset', image: 'a' },
        { name: 'nonroot', image: 'b', securityContext: { runAsNonRoot: true } },
        { name: 'uid', image: 'c', securityContext: { runAsUser: 10001 } },
      ],
    });
    expect(containers(result, id('shop', 'pod', 'p')).map((record) => record.runsAsRoot)).toEqual([true, false, false]);
  });

  it('privileged, escalation, capabilities, read-only root, host namespaces and hostPath volumes', () => {
    const result = secure('p', {
      hostNetwork: true,
      hostPID: true,
      hostIPC: false,
      volumes: [{ name: 'log', hostPath: { path: '/var/log' } }, { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }, { name: 'tmp', emptyDir: {} }],
      containers: [
        { name: 'priv', image: 'a', securityContext: { privileged: true } },
        { name: 'admin', image: 'b', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN', 'net_admin', 'NET_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: false } },
        { name: 'locked', image: 'c', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } },
        { name: 'plain', image: 'd' },
      ],
    });
    const [priv, admin, locked, plain] = containers(result, id('shop', 'pod', 'p'));
    expect(priv).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, addedCapabilities: [] });
    expect(admin).toMatchObject({ privileged: false, allowPrivilegeEscalation: true, addedCapabilities: ['NET_ADMIN', 'SYS_ADMIN'] });
    expect(locked).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(plain).toMatchObject({ privileged: false, allowPrivilegeEscalation: null, readOnlyRootFilesystem: null });
    expect(props(result, id('shop', 'pod', 'p'))).toMatchObject({ privileged: true, hostNetwork: true, hostPID: true, hostIPC: false, hostPathVolumes: ['/var/log', '/var/run/docker.sock'] });
  });

  it('automountServiceAccountToken: the pod’s own setting, else its service account’s (true when it says nothing), else null', () => {
    const result = load([
      sa('shop', 'default'),
      sa('shop', 'quiet', { automountServiceAccountToken: false }),
      pod('shop', 'own', { spec: podSpec('a', { pod: { automountServiceAccountToken: true, serviceAccountName: 'quiet' } }) }),
      pod('shop', 'from-account', { spec: podSpec('a', { pod: { serviceAccountName: 'quiet' } }) }),
      pod('shop', 'default-account', { spec: podSpec('a') }),
      pod('shop', 'unknown-account', { spec: podSpec('a', { pod: { serviceAccountName: 'ghost' } }) }),
    ]);
    expect(props(result, id('shop', 'pod', 'own'))).toMatchObject({ automountServiceAccountToken: true, serviceAccountName: 'quiet' });
    expect(props(result, id('shop', 'pod', 'from-account')).automountServiceAccountToken).toBe(false);
    expect(props(result, id('shop', 'pod', 'default-account'))).toMatchObject({ automountServiceAccountToken: true, serviceAccountName: 'default' });
    expect(props(result, id('shop', 'pod', 'unknown-account')).automountServiceAccountToken).toBeNull();
    expect(targets(result, 'RUNS_AS', id('shop', 'pod', 'from-account'))).toEqual([id('shop', 'serviceaccount', 'quiet')]);
    expect(targets(result, 'RUNS_AS', id('shop', 'pod', 'unknown-account'))).toEqual([]);
    expect(props(result, id('shop', 'serviceaccount', 'quiet')).automountServiceAccountToken).toBe(false);
  });

  it('workloads carry the same flags from their pod template', () => {
    const result = load([
      sa('monitoring', 'agent', { automountServiceAccountToken: false }),
      object('DaemonSet', 'agent', {
        namespace: 'monitoring',
        spec: { template: { spec: { serviceAccountName: 'agent', hostNetwork: true, volumes: [{ name: 'l', hostPath: { path: '/var/log' } }], containers: [{ name: 'a', image: 'ghcr.io/x/agent:1', securityContext: { privileged: true } }] } } },
      }),
    ]);
    expect(props(result, id('monitoring', 'daemonset', 'agent'))).toMatchObject({ privileged: true, runsAsRoot: true, hostNetwork: true, hostPathVolumes: ['/var/log'], automountServiceAccountToken: false, serviceAccountName: 'agent' });
  });

  it('pods: RUNS_ON their node, phase, node name and pod IPs; a missing status is fine', () => {
    const result = load([
      sa('shop', 'default'),
      object('Node', 'n1'),
      pod('shop', 'p', { spec: podSpec('a', { pod: { nodeName: 'n1' } }), status: { phase: 'Running', podIP: '10.2.0.10', podIPs: [{ ip: '10.2.0.10' }, { ip: 'fd00::10' }] } }),
      pod('shop', 'pending'),
    ]);
    expect(props(result, id('shop', 'pod', 'p'))).toMatchObject({ phase: 'Running', nodeName: 'n1', podIPs: ['10.2.0.10', 'fd00::10'] });
    expect(targets(result, 'RUNS_ON', id('shop', 'pod', 'p'))).toEqual([id(null, 'node', 'n1')]);
    expect(props(result, id('shop', 'pod', 'pending'))).toMatchObject({ phase: null, nodeName: null, podIPs: [] });
    expect(containers(result, id('shop', 'pod', 'pending'))[0]?.runningImage).toBeNull();
    expect(result.warnings).toEqual([]);
  });
});

describe('selectors', () => {
  const selector = (value: unknown): LabelSelector => labelSelector(value);

  it('matchLabels and every matchExpressions operator', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selectorMatches(selector({}), labels)).toBe(true);
    expect(selectorMatches(selector({ matchLabels: { app: 'web' } }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchLabels: { app: 'api' } }), labels)).toBe(false);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] }), labels)).toBe(false);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }), labels)).toBe(false);
    expect(selectorMatches(selector({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }), labels)).toBe(true);
    expect(selectorMatches(selector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }), labels)).toBe(false);
    // Unknown operators are dropped when reading, not guessed at.
    expect(selector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }).matchExpressions).toEqual([]);
  });

  const pods = [
    sa('shop', 'default'),
    sa('other', 'default'),
    pod('shop', 'web-1', { labels: { app: 'web', tier: 'front' } }),
    pod('shop', 'web-2', { labels: { app: 'web', tier: 'canary' } }),
    pod('shop', 'api-1', { labels: { app: 'api' } }),
    pod('other', 'web-x', { labels: { app: 'web' } }),
  ];

  it('a service SELECTS the pods of its namespace whose labels include its selector', () => {
    const result = load([...pods, object('Service', 'web', { namespace: 'shop', spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } })]);
    expect(targets(result, 'SELECTS', id('shop', 'service', 'web'))).toEqual([id('shop', 'pod', 'web-1'), id('shop', 'pod', 'web-2')]);
  });

  it('a service without selector SELECTS the pods its EndpointSlices target', () => {
    const slice = object('EndpointSlice', 'manual-abc', {
      namespace: 'shop',
      labels: { 'kubernetes.io/service-name': 'manual' },
      endpoints: [{ addresses: ['10.0.0.1'], targetRef: { kind: 'Pod', name: 'api-1', namespace: 'shop' } }, { addresses: ['192.0.2.200'] }],
    });
    const result = load([...pods, object('Service', 'manual', { namespace: 'shop', spec: { ports: [{ port: 80 }] } }), slice]);
    expect(targets(result, 'SELECTS', id('shop', 'service', 'manual'))).toEqual([id('shop', 'pod', 'api-1')]);
    expect(nodeOf(result, id('shop', 'endpointslice', 'manual-abc'))).toBeUndefined();
  });

  it('a network policy SELECTS pods by podSelector, matchExpressions included; the empty selector selects its whole namespace', () => {
    const result = load([
      ...pods,
      object('NetworkPolicy', 'canary', { namespace: 'shop', spec: { podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, policyTypes: ['Ingress'] } }),
      object('NetworkPolicy', 'deny-all', { namespace: 'shop', spec: { podSelector: {} } }),
    ]);
    expect(targets(result, 'SELECTS', id('shop', 'networkpolicy', 'canary'))).toEqual([id('shop', 'pod', 'web-2')]);
    expect(targets(result, 'SELECTS', id('shop', 'networkpolicy', 'deny-all'))).toEqual([id('shop', 'pod', 'api-1'), id('shop', 'pod', 'web-1'), id('shop', 'pod', 'web-2')]);
  });
});

describe('services', () => {
  it('type, ports (targetPort defaults to port), internal annotation, source ranges from spec and annotation, service tags, status IPs', () => {
    const result = load([
      object('Service', 'public', {
        namespace: 'shop',
        annotations: {
          'service.beta.kubernetes.io/azure-allowed-ip-ranges': '203.0.113.0/24, 198.51.100.0/24',
          'service.beta.kubernetes.io/azure-allowed-service-tags': 'AzureFrontDoor.Backend,AzureCloud',
        },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'web' },
          externalTrafficPolicy: 'Local',
          loadBalancerSourceRanges: ['198.51.100.0/24', '192.0.2.0/28'],
          ports: [
            { name: 'http', port: 80, targetPort: 'http', nodePort: 31080, protocol: 'TCP' },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.60', ipMode: 'VIP' }] } },
      }),
      object('Service', 'private', {
        namespace: 'shop',
        annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'True' },
        spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
      }),
      object('Service', 'cluster', { namespace: 'shop', spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } }),
    ]);
    const publicId = id('shop', 'service', 'public');
    expect(props(result, publicId)).toMatchObject({
      serviceType: 'LoadBalancer',
      internal: false,
      loadBalancerSourceRanges: ['198.51.100.0/24', '192.0.2.0/28', '203.0.113.0/24'],
      allowedServiceTags: ['AzureFrontDoor.Backend', 'AzureCloud'],
      loadBalancerIPs: ['192.0.2.60'],
      externalTrafficPolicy: 'Local',
    });
    expect(json<ServicePort[]>(result, publicId, 'ports')).toEqual([
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 31080 },
      { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53, nodePort: null },
    ]);
    expect(json(result, publicId, 'selector')).toEqual({ app: 'web' });
    expect(props(result, id('shop', 'service', 'private'))).toMatchObject({ internal: true, loadBalancerIPs: [], loadBalancerSourceRanges: [], allowedServiceTags: [], externalTrafficPolicy: 'Cluster' });
    expect(props(result, id('shop', 'service', 'cluster'))).toMatchObject({ serviceType: 'ClusterIP', internal: false, externalTrafficPolicy: null });
  });
});

describe('ingresses and ingress classes', () => {
  const services = [object('Service', 'web', { namespace: 'shop', spec: { ports: [{ name: 'http', port: 80 }] } }), object('Service', 'api', { namespace: 'shop', spec: { ports: [{ port: 8080 }] } })];

  it('flattens rules, paths and the default backend into routes; class from spec; ROUTES_TO_SERVICE edges with host, path, port', () => {
    const result = load([
      ...services,
      object('IngressClass', 'nginx', { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' }, spec: { controller: 'k8s.io/ingress-nginx' } }),
      object('Ingress', 'shop', {
        namespace: 'shop',
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['shop.contoso.com', 'www.contoso.com'], secretName: 's' }],
          defaultBackend: { service: { name: 'web', port: { name: 'http' } } },
          rules: [
            { host: 'shop.contoso.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }, { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } },
            { http: { paths: [{ path: '/static', backend: { resource: { kind: 'StorageBucket', name: 'b' } } }] } },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.60' }] } },
      }),
    ]);
    const ingressId = id('shop', 'ingress', 'shop');
    expect(props(result, ingressId)).toMatchObject({ ingressClassName: 'nginx', tlsHosts: ['shop.contoso.com', 'www.contoso.com'], loadBalancerIPs: ['192.0.2.60'] });
    expect(json<IngressRoute[]>(result, ingressId, 'routes')).toEqual([
      { host: 'shop.contoso.com', path: '/', serviceName: 'web', servicePort: 80 },
      { host: 'shop.contoso.com', path: '/api', serviceName: 'api', servicePort: 8080 },
      { host: null, path: null, serviceName: 'web', servicePort: 'http' },
    ]);
    expect(edges(result, 'ROUTES_TO_SERVICE', ingressId).map((edge) => [edge.target, edge.properties.host, edge.properties.path, edge.properties.port, edge.properties.routes])).toEqual([
      [id('shop', 'service', 'web'), 'shop.contoso.com', '/', 80, 2],
      [id('shop', 'service', 'api'), 'shop.contoso.com', '/api', 8080, 1],
    ]);
    expect(props(result, id(null, 'ingressclass', 'nginx'))).toMatchObject({ controller: 'k8s.io/ingress-nginx', isDefault: true });
  });

  it('takes the class from the kubernetes.io/ingress.class annotation, and reads the v1beta1 backend shape', () => {
    const result = load([
      ...services,
      object('Ingress', 'legacy', {
        namespace: 'shop',
        annotations: { 'kubernetes.io/ingress.class': 'traefik' },
        spec: { backend: { serviceName: 'api', servicePort: 8080 }, rules: [{ host: 'a.example', http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 'http' } }] } }] },
      }),
      object('Ingress', 'classless', { namespace: 'shop', spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } }),
    ]);
    expect(props(result, id('shop', 'ingress', 'legacy')).ingressClassName).toBe('traefik');
    expect(json<IngressRoute[]>(result, id('shop', 'ingress', 'legacy'), 'routes')).toEqual([
      { host: 'a.example', path: '/', serviceName: 'web', servicePort: 'http' },
      { host: null, path: null, serviceName: 'api', servicePort: 8080 },
    ]);
    expect(props(result, id('shop', 'ingress', 'classless')).ingressClassName).toBeNull();
  });

  it('a route to a service the dump does not hold: no edge, one warning', () => {
    const result = load([object('Ingress', 'i', { namespace: 'shop', spec: { defaultBackend: { service: { name: 'ghost', port: { number: 80 } } } } })]);
    expect(edges(result, 'ROUTES_TO_SERVICE')).toEqual([]);
    expect(result.warnings).toEqual([{ subject: 'kubernetes/aks-prod', message: expect.stringMatching(/Service 1$/) }]);
  });
});

describe('network policies', () => {
  it('pod selector, policy types (inferred when absent) and ingress rules with peers and ports', () => {
    const result = load([
      object('NetworkPolicy', 'ledger', {
        namespace: 'payments',
        spec: {
          podSelector: { matchLabels: { app: 'ledger' } },
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['storefront'] }] } },
                { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } },
              ],
              ports: [{ protocol: 'TCP', port: 8443 }, { port: 'https' }, { protocol: 'UDP', port: 30000, endPort: 30100 }],
            },
            {},
          ],
          egress: [{}],
        },
      }),
      object('NetworkPolicy', 'declared', { namespace: 'payments', spec: { podSelector: {}, policyTypes: ['Egress'] } }),
    ]);
    const policyId = id('payments', 'networkpolicy', 'ledger');
    expect(props(result, policyId).policyTypes).toEqual(['Ingress', 'Egress']);
    expect(props(result, id('payments', 'networkpolicy', 'declared')).policyTypes).toEqual(['Egress']);
    expect(json(result, policyId, 'podSelector')).toEqual({ matchLabels: { app: 'ledger' }, matchExpressions: [] });
    expect(json<NetworkPolicyIngressRule[]>(result, policyId, 'ingressRules')).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' }, matchExpressions: [] }, podSelector: { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['storefront'] }] }, ipBlock: null },
          { namespaceSelector: null, podSelector: null, ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } },
        ],
        ports: [
          { protocol: 'TCP', port: 8443, endPort: null },
          { protocol: 'TCP', port: 'https', endPort: null },
          { protocol: 'UDP', port: 30000, endPort: 30100 },
        ],
      },
      { from: [], ports: [] },
    ]);
  });
});

describe('cluster folders and managed clusters', () => {
  const objects = [ns('shop'), sa('shop', 'default'), pod('shop', 'web-1')];

  it('a folder with no matching AKS resource is a warning, not a crash, and its objects are left out', () => {
    const result = transformKubernetes({ clusters: [dump('aks-ghost', objects)], files: [], errors: [] }, [CLUSTER]);
    expect(result.nodes).toEqual([]);
    expect(result.edges).toEqual([]);
    expect(result.clusters).toBe(0);
    expect(result.objects).toBe(0);
    expect(result.warnings).toEqual([{ subject: 'kubernetes/aks-ghost', message: expect.stringMatching(/no managed cluster named "aks-ghost" .*its 3 object\(s\) were not loaded/) }]);
  });

  it('matches folder names case-insensitively', () => {
    const result = transformKubernetes({ clusters: [dump('AKS-PROD', objects)], files: [], errors: [] }, [CLUSTER]);
    expect(result.clusters).toBe(1);
    expect(nodeOf(result, id(null, 'namespace', 'shop'))).toBeDefined();
  });

  it('two clusters with the folder’s name: a warning asking for cluster.json; cluster.json picks one', () => {
    const other = aksCluster('aks-prod', {}, { group: '/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-other' });
    const ambiguous = transformKubernetes({ clusters: [dump('aks-prod', objects)], files: [], errors: [] }, [CLUSTER, other]);
    expect(ambiguous.nodes).toEqual([]);
    expect(ambiguous.warnings[0]?.message).toMatch(/2 managed clusters are named "aks-prod" .*add cluster.json/);

    const chosen = transformKubernetes({ clusters: [dump('prod', objects, other.id.toUpperCase())], files: [], errors: [] }, [CLUSTER, other]);
    expect(chosen.warnings).toEqual([]);
    expect(chosen.nodes.map((node) => node.id)).toContain(`${lower(other.id)}/k8s/_cluster/namespace/shop`);
    expect(chosen.nodes.every((node) => node.properties.syncScope === lower(other.id))).toBe(true);
  });

  it('cluster.json naming a cluster the snapshot lacks is a warning', () => {
    const result = transformKubernetes({ clusters: [dump('aks-prod', objects, '/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/z')] , files: [], errors: [] }, [CLUSTER]);
    expect(result.nodes).toEqual([]);
    expect(result.warnings[0]?.message).toMatch(/cluster\.json names .*managedClusters\/z, which is not a managed cluster of this snapshot/);
  });

  it('unknown kinds and duplicates are reported per cluster', () => {
    const folder = { ...dump('aks-prod', objects), unknownKinds: { Secret: 3, ConfigMap: 1 }, duplicates: 2 };
    const result = transformKubernetes({ clusters: [folder], files: [], errors: [] }, [CLUSTER]);
    expect(result.unknownKinds).toEqual({ Secret: 3, ConfigMap: 1 });
    expect(result.warnings.map((warning) => warning.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/2 object\(s\) appeared in more than one file/), 'objects of kinds reachgraph does not model were left out: ConfigMap 1, Secret 3']),
    );
  });
});

describe('loadSnapshot with a kubernetes/ folder', () => {
  const scratch = scratchFolder('reachgraph-k8s-load-');
  const put = scratch.put;
  const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', items });

  it('loads Azure and Kubernetes together and counts clusters, objects, unknown kinds, warnings and errors', async () => {
    await put('azure/clusters.json', { value: [CLUSTER] });
    await put('kubernetes/aks-prod/namespaces.json', list([raw('Namespace', 'shop')]));
    await put('kubernetes/aks-prod/serviceaccounts.json', list([raw('ServiceAccount', 'default', { namespace: 'shop' })]));
    await put('kubernetes/aks-prod/pods.json', list([raw('Pod', 'web-1', { namespace: 'shop', spec: podSpec('nginx:1.25') }), raw('Secret', 'tls', { namespace: 'shop' })]));
    await put('kubernetes/aks-prod/broken.json', '{"items": [');
    await put('kubernetes/aks-ghost/pods.json', list([raw('Pod', 'x', { namespace: 'a' })]));
    const { graph, summary } = await loadSnapshot(scratch.root);
    expect(summary).toMatchObject({
      files: 6,
      resources: 1,
      kubernetesClusters: 1,
      kubernetesObjects: 3,
      unknownKubernetesKinds: { Secret: 1 },
      danglingReferences: 0,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
    });
    expect(summary.nodesByKind).toMatchObject({ ManagedCluster: 1, KubernetesNamespace: 1, KubernetesPod: 1, KubernetesServiceAccount: 1 });
    expect(summary.errors).toEqual([{ path: path.join('kubernetes', 'aks-prod', 'broken.json'), message: expect.stringMatching(/^malformed JSON at line 1, column \d+/) }]);
    expect(summary.warnings.map((warning) => warning.subject)).toEqual([path.join('kubernetes', 'aks-ghost'), path.join('kubernetes', 'aks-prod')]);
    // The cluster node (Azure) contains the namespace (Kubernetes): no dangling edge across the two.
    expect(graph.edges.some((edge) => edge.source === CLUSTER_ID && edge.kind === 'CONTAINS' && edge.target === id(null, 'namespace', 'shop'))).toBe(true);
  });

  it('the Contoso sample: attribution, images, services and policies come out as documented', async () => {
    const { graph, summary } = await loadSnapshot(path.resolve(import.meta.dirname, '../../examples/contoso'));
    const K = contosoKubernetesIds;
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    expect(summary).toMatchObject({ kubernetesClusters: 1, unknownKubernetesKinds: {}, danglingReferences: 0, errors: [] });
    expect(byId.get(K.storefrontPod)?.properties.ownerWorkloadId).toBe(K.storefront);
    expect(byId.get(K.nightlyReportPod)?.properties.ownerWorkloadId).toBe(K.nightlyReport);
    const ledger = JSON.parse(String(byId.get(K.ledgerPod)?.properties.containers)) as ContainerRecord[];
    expect(ledger[0]).toMatchObject({ runningDigestSource: 'repository' });
    expect(ledger[0]!.specDigest).not.toBe(ledger[0]!.runningDigest);
    expect(graph.edges.some((edge) => edge.source === K.ledgerPod && edge.kind === 'RUNS_IMAGE' && edge.properties.digestDrift === true)).toBe(true);
    expect(graph.nodes.filter((node) => node.kind === 'ContainerImage' && node.properties.digestIsImageId === true).map((node) => node.properties.repository)).toEqual(['oss/kubernetes/coredns']);
    expect(graph.edges.filter((edge) => edge.source === K.storefrontIngress && edge.kind === 'ROUTES_TO_SERVICE').map((edge) => edge.target)).toEqual([K.storefrontService]);
    expect(graph.edges.filter((edge) => edge.source === K.storefrontService && edge.kind === 'SELECTS')).toHaveLength(2);
    expect(byId.get(K.edgeNode)?.properties).toMatchObject({ agentPool: 'edge', externalIPs: ['192.0.2.71'], scaleSetId: K.vmssAksEdge });
    expect(byId.get(K.nodeAgent)?.properties).toMatchObject({ privileged: true, hostNetwork: true, hostPathVolumes: ['/var/log'] });
    expect(graph.edges.some((edge) => edge.source === K.aksProd && edge.kind === 'CONTAINS' && edge.target === K.aksProdNodeResourceGroup)).toBe(true);
  });
});
