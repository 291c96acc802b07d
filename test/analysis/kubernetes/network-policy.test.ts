import { describe, expect, it } from 'vitest';
import { ids, vnet } from '../../helpers/arm.js';
import { ClusterBuilder, container, exposureOfGraph, INGRESS_NGINX_IMAGE, peer, policyPort, selector } from '../../helpers/kubernetes-graph.js';

const web = container('web', 'shop/web', [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }]);

interface Spec {
  networkPolicy?: string | null;
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

/** `web` in `shop` behind a public LoadBalancer (80 → http, 9090 → metrics) in a cluster enforcing policies. */
function shop(spec: Spec = {}) {
  const cluster = new ClusterBuilder({ privateCluster: true, networkPolicy: spec.networkPolicy === undefined ? 'calico' : spec.networkPolicy });
  cluster.namespace('shop', { team: 'shop' });
  const deployment = cluster.workload('shop', 'web', { labels: { app: 'web', tier: 'front' }, containers: [web] });
  cluster.service('shop', 'web', {
    type: 'LoadBalancer',
    selector: { app: 'web' },
    ports: [
      { port: 80, targetPort: 'http' },
      { port: 9090, targetPort: 'metrics' },
    ],
    externalTrafficPolicy: spec.externalTrafficPolicy ?? 'Local',
  });
  return { cluster, deployment, exposure: () => exposureOfGraph(cluster.graph()).get(deployment) };
}

describe('NetworkPolicy: isolation', () => {
  it('a default-deny policy (all pods, Ingress, no rules) blocks LoadBalancer traffic', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'default-deny', {});
    expect(exposure()).toBeUndefined();
  });

  it('with no policyTypes Kubernetes defaults to Ingress: a rule-less policy still denies', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'default-deny', { policyTypes: [] });
    expect(exposure()).toBeUndefined();
  });

  it('an Egress-only policy does not isolate for ingress', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'egress', { policyTypes: ['Egress'] });
    expect(exposure()?.ports).toEqual([
      { protocol: 'tcp', from: 8080, to: 8080 },
      { protocol: 'tcp', from: 9090, to: 9090 },
    ]);
  });

  it.each([null, 'none'])('policies are ignored when the cluster enforces none (networkPolicy %s)', (networkPolicy) => {
    const { cluster, exposure } = shop({ networkPolicy });
    cluster.networkPolicy('shop', 'default-deny', {});
    expect(exposure()?.width).toBe('wide');
  });

  it('a policy selecting other pods (matchExpressions) leaves the pod open; one of another namespace too', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'deny-back', { podSelector: selector({}, [{ key: 'tier', operator: 'NotIn', values: ['front'] }]) });
    cluster.networkPolicy('other', 'default-deny', {});
    expect(exposure()?.width).toBe('wide');
    cluster.networkPolicy('shop', 'deny-front', { podSelector: selector({}, [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }]) });
    expect(exposure()).toBeUndefined();
  });

  it('empty from and empty ports admit everything; policies add up', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'default-deny', {});
    cluster.networkPolicy('shop', 'allow-all', { podSelector: selector({ app: 'web' }), ingress: [{}] });
    expect(exposure()?.width).toBe('wide');
    expect(exposure()?.entryPoints[0]?.decidedBy).toEqual(['networkpolicy:shop/allow-all/ingress[0]']);
  });
});

describe('NetworkPolicy: ports', () => {
  it('a named policy port resolves to the pod’s container port', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'web', { ingress: [{ ports: [policyPort('http')] }] });
    expect(exposure()?.ports).toEqual([{ protocol: 'tcp', from: 8080, to: 8080 }]);
  });

  it('endPort admits a range of numeric ports', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'web', { ingress: [{ ports: [policyPort(8000, { endPort: 8100 })] }] });
    expect(exposure()?.ports).toEqual([{ protocol: 'tcp', from: 8080, to: 8080 }]);
    cluster.networkPolicy('shop', 'metrics', { ingress: [{ ports: [policyPort(9000, { endPort: 9089 })] }] });
    expect(exposure()?.ports).toEqual([{ protocol: 'tcp', from: 8080, to: 8080 }]);
  });

  it('a port clause admits its protocol only; a clause without port admits every port of it', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'udp', { ingress: [{ ports: [policyPort(8080, { protocol: 'UDP' })] }] });
    expect(exposure()).toBeUndefined();
    cluster.networkPolicy('shop', 'tcp', { ingress: [{ ports: [policyPort(null)] }] });
    expect(exposure()?.ports).toHaveLength(2);
  });
});

describe('NetworkPolicy: internet sources (ipBlock)', () => {
  it('an ipBlock of specific public addresses narrows the exposure (externalTrafficPolicy Local keeps client IPs)', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'partners', { ingress: [{ from: [peer({ ipBlock: { cidr: '198.51.100.0/24', except: [] } })] }] });
    expect(exposure()?.width).toBe('narrow');
    expect(exposure()?.entryPoints[0]?.sources).toEqual(['198.51.100.0/24']);
  });

  it('0.0.0.0/0 with private excepts stays wide; an except covering the whole block admits nothing', () => {
    const open = shop();
    open.cluster.networkPolicy('shop', 'external', { ingress: [{ from: [peer({ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '198.51.100.7/32'] } })] }] });
    expect(open.exposure()?.width).toBe('wide');
    const closed = shop();
    closed.cluster.networkPolicy('shop', 'none', { ingress: [{ from: [peer({ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.0/25', '198.51.100.128/25'] } })] }] });
    expect(closed.exposure()).toBeUndefined();
  });

  it('an ipBlock is intersected with the service source ranges', () => {
    const { cluster, deployment } = shop();
    const service = cluster.nodes.find((node) => node.kind === 'KubernetesService')!;
    service.properties.loadBalancerSourceRanges = ['198.51.100.0/24'];
    cluster.networkPolicy('shop', 'other-partner', { ingress: [{ from: [peer({ ipBlock: { cidr: '192.0.2.0/24', except: [] } })] }] });
    expect(exposureOfGraph(cluster.graph()).has(deployment)).toBe(false);
    cluster.networkPolicy('shop', 'partner', { ingress: [{ from: [peer({ ipBlock: { cidr: '198.51.100.0/25', except: [] } })] }] });
    expect(exposureOfGraph(cluster.graph()).get(deployment)?.entryPoints[0]?.sources).toEqual(['198.51.100.0/25']);
  });

  it('pod and namespace selectors do not admit internet clients', () => {
    const { cluster, exposure } = shop();
    cluster.networkPolicy('shop', 'in-cluster', { ingress: [{ from: [peer({ namespaceSelector: selector() }), peer({ podSelector: selector() })] }] });
    expect(exposure()).toBeUndefined();
  });

  it('externalTrafficPolicy Cluster with kube-proxy (azure, calico): the client is SNATed, a public ipBlock cannot see it', () => {
    for (const networkPolicy of ['azure', 'calico']) {
      const { cluster, exposure } = shop({ externalTrafficPolicy: 'Cluster', networkPolicy });
      cluster.networkPolicy('shop', 'partners', { ingress: [{ from: [peer({ ipBlock: { cidr: '198.51.100.0/24', except: [] } })] }] });
      expect(exposure()).toBeUndefined();
    }
  });

  it('externalTrafficPolicy Cluster with cilium: local backends keep the client address, so a public ipBlock admits it', () => {
    const { cluster, exposure } = shop({ externalTrafficPolicy: 'Cluster', networkPolicy: 'cilium' });
    cluster.networkPolicy('shop', 'partners', { ingress: [{ from: [peer({ ipBlock: { cidr: '198.51.100.0/24', except: [] } })] }] });
    expect(exposure()?.width).toBe('narrow');
  });

  it('externalTrafficPolicy Cluster: a block holding the node addresses admits the SNATed clients with the service width', () => {
    const { cluster, exposure } = shop({ externalTrafficPolicy: 'Cluster' });
    cluster.networkPolicy('shop', 'nodes', { ingress: [{ from: [peer({ ipBlock: { cidr: '10.0.0.0/8', except: [] } })] }] });
    expect(exposure()?.width).toBe('wide');
    const local = shop({ externalTrafficPolicy: 'Local' });
    local.cluster.networkPolicy('shop', 'nodes', { ingress: [{ from: [peer({ ipBlock: { cidr: '10.0.0.0/8', except: [] } })] }] });
    expect(local.exposure()).toBeUndefined();
  });
});

describe('NetworkPolicy: traffic through an ingress controller', () => {
  function estate() {
    // Nodes in 10.224.0.0/16: SNATed LoadBalancer traffic carries those addresses, not pod-CIDR ones.
    const cluster = new ClusterBuilder({ privateCluster: true, networkPolicy: 'azure', agentPools: [{ name: 'nodepool1', vnetSubnetId: ids.subnet('vnet-aks', 'nodes') }] });
    const resources = [vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16' }])];
    cluster.namespace('ingress-nginx', { purpose: 'edge' });
    cluster.namespace('shop');
    cluster.workload('ingress-nginx', 'controller', {
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      containers: [container('controller', INGRESS_NGINX_IMAGE, [{ name: 'https', containerPort: 443 }])],
      podIPs: ['10.244.1.10'],
    });
    cluster.service('ingress-nginx', 'controller', { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ port: 443, targetPort: 'https' }] });
    cluster.ingressClass('nginx', 'k8s.io/ingress-nginx');
    const api = cluster.workload('shop', 'api', { labels: { app: 'api' }, containers: [container('api', 'shop/api', [{ name: 'http', containerPort: 8080 }])] });
    const direct = cluster.service('shop', 'api-public', { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 8080 }] });
    cluster.service('shop', 'api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] });
    const ingress = cluster.ingress('shop', 'api', { className: 'nginx', routes: [{ serviceName: 'api', servicePort: 80 }] });
    return { cluster, api, direct, ingress, entries: () => exposureOfGraph(cluster.graph(resources)).get(api)?.entryPoints.map((entry) => entry.forwarder) };
  }

  it('without policies the workload is reachable both directly and through the ingress', () => {
    const { entries, direct, ingress } = estate();
    expect(entries()).toEqual([direct, ingress]);
  });

  it('allow-from-ingress-namespace admits ingress traffic but not direct LoadBalancer traffic', () => {
    const { cluster, entries, ingress } = estate();
    cluster.networkPolicy('shop', 'from-ingress', {
      ingress: [{ from: [peer({ namespaceSelector: selector({ 'kubernetes.io/metadata.name': 'ingress-nginx' }) })] }],
    });
    expect(entries()).toEqual([ingress]);
  });

  it('namespace labels and controller pod labels select the controller; a podSelector alone means the policy’s namespace', () => {
    const byLabels = estate();
    byLabels.cluster.networkPolicy('shop', 'from-ingress', {
      ingress: [{ from: [peer({ namespaceSelector: selector({ purpose: 'edge' }), podSelector: selector({ 'app.kubernetes.io/name': 'ingress-nginx' }) })] }],
    });
    expect(byLabels.entries()).toEqual([byLabels.ingress]);

    const ownNamespace = estate();
    ownNamespace.cluster.networkPolicy('shop', 'from-ingress', { ingress: [{ from: [peer({ podSelector: selector({ 'app.kubernetes.io/name': 'ingress-nginx' }) })] }] });
    expect(ownNamespace.entries()).toBeUndefined();
  });

  it('an ipBlock holding the controller pod IPs admits it', () => {
    const { cluster, entries, ingress, direct } = estate();
    cluster.networkPolicy('shop', 'pod-cidr', { ingress: [{ from: [peer({ ipBlock: { cidr: '10.244.0.0/16', except: [] } })] }] });
    expect(entries()).toEqual([ingress]);
    // The node subnet admits the direct LoadBalancer traffic kube-proxy SNATs (externalTrafficPolicy Cluster).
    cluster.networkPolicy('shop', 'node-cidr', { ingress: [{ from: [peer({ ipBlock: { cidr: '10.224.0.0/16', except: [] } })] }] });
    expect(entries()).toEqual([direct, ingress]);
  });

  it('a policy on the controller pods themselves can cut the ingress off', () => {
    const { cluster, entries } = estate();
    cluster.networkPolicy('ingress-nginx', 'default-deny', {});
    cluster.networkPolicy('shop', 'default-deny', {});
    expect(entries()).toBeUndefined();
  });
});
