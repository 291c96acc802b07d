/** A realistic cluster of any size for the fake Kubernetes API server (benchmarks, paging tests). */
import type { KubeObjects } from './fake-kubernetes.js';

export interface SyntheticClusterOptions {
  pods: number;
  namespaces?: number;
  /** Replicas per Deployment (default 4): 2,000 pods make 500 Deployments, ReplicaSets and Services. */
  podsPerDeployment?: number;
}

/**
 * A cluster of `pods` pods shaped like a real AKS one — owner chains, a
 * ClusterIP Service per Deployment, managedFields and kubectl's last-applied
 * annotation (which the collector must strip) — about 3 KB a pod, for
 * benchmarks. Deterministic.
 */
export function syntheticCluster(options: SyntheticClusterOptions): KubeObjects {
  const namespaceCount = options.namespaces ?? 10;
  const replicas = options.podsPerDeployment ?? 4;
  const deploymentCount = Math.ceil(options.pods / replicas);
  const nodeCount = Math.max(1, Math.ceil(options.pods / 50));
  let serial = 0;
  const uid = () => `00000000-0000-4000-8000-${(serial++).toString(16).padStart(12, '0')}`;
  const created = '2026-05-04T08:00:00Z';
  const managedFields = (manager: string) => [
    { manager, operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:env': {} } } } } },
  ];
  const objects: KubeObjects = { Namespace: [], Node: [], ServiceAccount: [], Deployment: [], ReplicaSet: [], Pod: [], Service: [] };
  const nodeName = (index: number) => `aks-system-12345678-vmss${String(index).padStart(6, '0')}`;
  for (let index = 0; index < nodeCount; index += 1) {
    objects.Node!.push({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: nodeName(index), uid: uid(), labels: { 'kubernetes.azure.com/agentpool': 'system', 'kubernetes.io/os': 'linux' } },
      spec: { podCIDR: `10.244.${index}.0/24`, providerID: `azure:///subscriptions/s/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-system-12345678-vmss/virtualMachines/${index}` },
      status: { addresses: [{ type: 'InternalIP', address: `10.224.0.${4 + index}` }, { type: 'Hostname', address: `aks-system-vmss${index}` }], nodeInfo: { kubeletVersion: 'v1.30.3' } },
    });
  }
  for (let index = 0; index < namespaceCount; index += 1) {
    const name = `team-${index}`;
    objects.Namespace!.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: uid(), labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    objects.ServiceAccount!.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name, uid: uid() } });
  }
  let podsLeft = options.pods;
  for (let index = 0; index < deploymentCount; index += 1) {
    const namespace = `team-${index % namespaceCount}`;
    const app = `app-${index}`;
    const hash = (0x5f5e100 + index).toString(16);
    const container = {
      name: 'app', image: `contosoacr.azurecr.io/${app}:1.${index % 7}.0`, ports: [{ containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'ASPNETCORE_URLS', value: 'http://+:8080' }, { name: 'LOG_LEVEL', value: 'info' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
    };
    const template = { metadata: { labels: { app } }, spec: { containers: [container], serviceAccountName: 'default' } };
    const deploymentUid = uid();
    const replicaSetUid = uid();
    objects.Deployment!.push({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: {
        name: app, namespace, uid: deploymentUid, generation: 1, creationTimestamp: created, labels: { app },
        annotations: { 'deployment.kubernetes.io/revision': '1', 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Deployment', metadata: { name: app, namespace }, spec: { template } }) },
        managedFields: managedFields('kubectl-client-side-apply'),
      },
      spec: { replicas, selector: { matchLabels: { app } }, template },
      status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
    });
    objects.ReplicaSet!.push({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${app}-${hash}`, namespace, uid: replicaSetUid, labels: { app, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: deploymentUid, controller: true, blockOwnerDeletion: true }] },
      spec: { replicas, selector: { matchLabels: { app, 'pod-template-hash': hash } }, template },
      status: { replicas },
    });
    objects.Service!.push({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: app, namespace, uid: uid() },
      spec: { type: 'ClusterIP', clusterIP: `10.0.${index >> 8}.${index & 255}`, selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    for (let replica = 0; replica < replicas && podsLeft > 0; replica += 1, podsLeft -= 1) {
      const pod = `${app}-${hash}-${replica.toString(36).padStart(5, 'x')}`;
      const podIndex = options.pods - podsLeft;
      objects.Pod!.push({
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          name: pod, generateName: `${app}-${hash}-`, namespace, uid: uid(), resourceVersion: String(5000 + podIndex), creationTimestamp: created,
          labels: { app, 'pod-template-hash': hash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: replicaSetUid, controller: true, blockOwnerDeletion: true }],
          managedFields: managedFields('kube-controller-manager'),
        },
        spec: {
          ...template.spec,
          nodeName: nodeName(podIndex % nodeCount),
          volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }], defaultMode: 420 } }],
          tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
        },
        status: {
          phase: 'Running', hostIP: `10.224.0.${4 + (podIndex % nodeCount)}`, podIP: `10.244.${podIndex >> 8}.${podIndex & 255}`, startTime: created, qosClass: 'Burstable',
          conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: created })),
          containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: container.image, imageID: `${container.image.split(':')[0]}@sha256:${(index * 2654435761 % 2 ** 32).toString(16).padStart(64, '0')}`, started: true }],
        },
      });
    }
  }
  return objects;
}
