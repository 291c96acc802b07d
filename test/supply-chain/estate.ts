/**
 * One AKS estate for the supply-chain tests.
 *
 * aks-prod, registries contosoacr (no loginServer in the snapshot → contosoacr.azurecr.io)
 * and sharedacr (loginServer kept):
 *   shop/web        Deployment ×3, exposed wide tcp/443: web   contosoacr…/shop/web:1.4.2 (tag only) → A
 *                                                         proxy mcr…/oss/nginx/nginx:1.25@B (pinned, root, NET_ADMIN) → B
 *                   + a fourth pod, Pending, running nothing; + its old ReplicaSet (web:1.3.0, 0 replicas)
 *   staging/web     Deployment ×1, not exposed:            web   contosoacr…/shop/web:1.4.2 → A (the same digest)
 *   shop/api        Deployment ×2, exposed narrow tcp/8080: api  ghcr.io/contoso/api@C (pinned) but runs D
 *   kube-system/agent DaemonSet (no replicas), 2 pods:     agent sharedacr…/platform/agent@F; the digest comes from the spec
 *   tools/debug     Deployment ×1, privileged, hostNetwork, hostPath: debug busybox (no tag) → E
 *                                                                        shell alpine:latest → G
 *   shop/legacy     Deployment ×0: contosoacr…/shop/legacy@… (pinned), nothing runs it
 *   default/oneoff  a bare pod: sha256:0000… (only an image id), running only a local image id
 */
import type { ExposureReport } from '../../src/analysis/exposure.js';
import type { GraphBatch } from '../../src/model/graph.js';
import { container, digest, exposedWorkload, exposure, podId, running, SupplyChainGraph, tcp } from '../helpers/supply-chain-graph.js';

export const A = digest('a');
export const B = digest('b');
export const C = digest('c');
export const D = digest('d');
export const E = digest('e');
export const F = digest('f');
export const G = digest('9');
export const LOCAL_ID = digest('7');

export interface Estate {
  graph: GraphBatch;
  report: ExposureReport;
  ids: { cluster: string; web: string; oldReplicaSet: string; stagingWeb: string; api: string; agent: string; debug: string; oneoff: string; pendingPod: string };
}

export function estate(): Estate {
  const g = new SupplyChainGraph();
  const cluster = g.cluster('aks-prod');
  g.acr('contosoacr');
  g.acr('sharedacr', 'sharedacr.azurecr.io');

  const webImage = container('web', 'contosoacr.azurecr.io/shop/web:1.4.2');
  const proxy = container('proxy', `mcr.microsoft.com/oss/nginx/nginx:1.25@${B}`, { runsAsRoot: true, runAsNonRoot: null, runAsUser: null, addedCapabilities: ['NET_ADMIN'] });
  const web = g.deployment({ cluster: 'aks-prod', namespace: 'shop', name: 'web', replicas: 3, containers: [webImage, proxy], digests: { web: A, proxy: B } });
  // Rollout history: the ReplicaSet of the previous version, scaled to zero, owned by the Deployment.
  const oldReplicaSet = g.workload({ cluster: 'aks-prod', namespace: 'shop', kind: 'ReplicaSet', name: 'web-5d8f7c9b6', replicas: 0, containers: [container('web', 'contosoacr.azurecr.io/shop/web:1.3.0'), proxy] });
  g.edges.push({ source: web, target: oldReplicaSet, kind: 'OWNS', properties: {} });
  const pendingPod = g.pod({ cluster: 'aks-prod', namespace: 'shop', name: 'web-pending', owner: web, phase: 'Pending', containers: [webImage, proxy] });
  const stagingWeb = g.deployment({ cluster: 'aks-prod', namespace: 'staging', name: 'web', replicas: 1, containers: [webImage], digests: { web: A } });
  const api = g.deployment({ cluster: 'aks-prod', namespace: 'shop', name: 'api', replicas: 2, containers: [container('api', `ghcr.io/contoso/api@${C}`)], digests: { api: D } });

  const agentImage = container('agent', `sharedacr.azurecr.io/platform/agent@${F}`);
  const agent = g.workload({ cluster: 'aks-prod', namespace: 'kube-system', kind: 'DaemonSet', name: 'agent', replicas: null, containers: [agentImage] });
  for (const name of ['agent-x1', 'agent-x2']) {
    g.pod({ cluster: 'aks-prod', namespace: 'kube-system', name, owner: agent, containers: [running(agentImage, F, 'spec')] });
  }

  const debug = g.deployment({
    cluster: 'aks-prod',
    namespace: 'tools',
    name: 'debug',
    replicas: 1,
    containers: [
      container('debug', 'busybox', { privileged: true, allowPrivilegeEscalation: null, runsAsRoot: true, runAsNonRoot: null, runAsUser: 0 }),
      container('shell', 'alpine:latest'),
    ],
    digests: { debug: E, shell: G },
    hostNetwork: true,
    hostPathVolumes: ['/var/run'],
  });

  const oneoffImage = container('oneoff', LOCAL_ID, { registry: 'docker.io', repository: 'library/sha256', tag: LOCAL_ID.slice(7) });
  const oneoff = g.pod({ cluster: 'aks-prod', namespace: 'default', name: 'oneoff', containers: [running(oneoffImage, LOCAL_ID, 'image-id')] });

  // Scaled to zero: referenced by its spec, running nowhere; pinned and from a trusted registry, so no finding either.
  g.workload({ cluster: 'aks-prod', namespace: 'shop', name: 'legacy', replicas: 0, containers: [container('legacy', `contosoacr.azurecr.io/shop/legacy@${digest('1')}`)] });

  const report = exposure(
    exposedWorkload(web, 'wide', [tcp(443)], ['internet', '/subscriptions/x/pip-web', '/subscriptions/x/lb-kubernetes', web]),
    exposedWorkload(api, 'narrow', [tcp(8080)]),
  );
  return { graph: g.graph(), report, ids: { cluster, web, oldReplicaSet, stagingWeb, api, agent, debug, oneoff, pendingPod } };
}

export { podId };
