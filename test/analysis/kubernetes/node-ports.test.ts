import { describe, expect, it } from 'vitest';
import { ids, lower, nsg, type RuleSpec, scaleSet, vnet } from '../../helpers/arm.js';
import { CLUSTER_ID, ClusterBuilder, container, exposureOfGraph, k8sId } from '../../helpers/kubernetes-graph.js';

const web = container('web', 'shop/web', [{ name: 'http', containerPort: 8080 }]);
const NODE = 'aks-public-12345678-vmss000000';
const PRIVATE_NODE = 'aks-system-12345678-vmss000000';

interface Spec {
  rules?: RuleSpec[] | null;
  enableNodePublicIP?: boolean;
  service?: Partial<Parameters<ClusterBuilder['service']>[2]>;
}

/** A `public` pool with node public IPs in subnet `nodes` (NSG `nsg-nodes` with `rules`), a `system` pool without. */
function estate(spec: Spec = {}) {
  const cluster = new ClusterBuilder({
    privateCluster: true,
    agentPools: [
      { name: 'system', vnetSubnetId: ids.subnet('vnet-aks', 'nodes') },
      { name: 'public', enableNodePublicIP: spec.enableNodePublicIP ?? true, vnetSubnetId: ids.subnet('vnet-aks', 'nodes') },
    ],
  });
  cluster.node(NODE, { 'kubernetes.azure.com/agentpool': 'public' });
  cluster.node(PRIVATE_NODE);
  const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web], nodeName: PRIVATE_NODE });
  const service = cluster.service('shop', 'web', {
    type: 'NodePort',
    selector: { app: 'web' },
    ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }],
    ...spec.service,
  });
  const resources = [
    ...(spec.rules === null ? [] : [nsg('nsg-nodes', spec.rules ?? [{ name: 'allow-nodeports', priority: 100, source: 'Internet', ports: '30000-32767' }])]),
    vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16', ...(spec.rules === null ? {} : { nsg: 'nsg-nodes' }) }]),
  ];
  return { cluster, deployment, service, graph: () => cluster.graph(resources) };
}

describe('NodePort on nodes with public IPs', () => {
  it('a NodePort admitted by the node subnet NSG exposes the target container port on every public node', () => {
    const { deployment, service, graph } = estate();
    const asset = exposureOfGraph(graph()).get(deployment);
    // The pod runs on a private node: with externalTrafficPolicy Cluster any node forwards.
    expect(asset).toMatchObject({ width: 'wide', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }], path: ['internet', k8sId(null, 'node', NODE), service, deployment] });
    expect(asset?.entryPoints).toEqual([
      expect.objectContaining({ type: 'node-port', forwarder: service, frontendPorts: { from: 30080, to: 30080 }, decidedBy: ['nsg-nodes/allow-nodeports'], sources: ['Internet'] }),
    ]);
  });

  it('the NSG must admit the nodePort, not the service or target port', () => {
    const { graph } = estate({ rules: [{ name: 'allow-8080', priority: 100, source: 'Internet', ports: ['80', '8080'] }] });
    expect(exposureOfGraph(graph()).size).toBe(0);
  });

  it('node public IPs are Standard: with no NSG they admit nothing', () => {
    expect(exposureOfGraph(estate({ rules: null }).graph()).size).toBe(0);
  });

  it('a specific source prefix in the NSG makes it narrow', () => {
    const { deployment, graph } = estate({ rules: [{ name: 'partner', priority: 100, source: '198.51.100.0/24', ports: '30080' }] });
    const asset = exposureOfGraph(graph()).get(deployment);
    expect(asset?.width).toBe('narrow');
    expect(asset?.entryPoints[0]?.sources).toEqual(['198.51.100.0/24']);
  });

  it('pools without node public IPs expose no NodePort', () => {
    expect(exposureOfGraph(estate({ enableNodePublicIP: false }).graph()).size).toBe(0);
  });

  it('an internal LoadBalancer service still opens its nodePorts', () => {
    const { deployment, graph } = estate({ service: { type: 'LoadBalancer', internal: true } });
    expect(exposureOfGraph(graph()).get(deployment)?.entryPoints.map((entry) => entry.type)).toEqual(['node-port']);
  });

  it('externalTrafficPolicy Local answers only on nodes running a selected pod', () => {
    const { deployment, graph } = estate({ service: { externalTrafficPolicy: 'Local' } });
    expect(exposureOfGraph(graph()).has(deployment)).toBe(false);
  });

  it('the pool scale set (node resource group) stands for its nodes and adds its NIC NSG', () => {
    const nodeRg = `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-test`;
    const cluster = new ClusterBuilder({
      privateCluster: true,
      nodeResourceGroupId: nodeRg,
      agentPools: [{ name: 'public', enableNodePublicIP: true }],
    });
    const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web] });
    cluster.service('shop', 'web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] });
    const resources = [
      nsg('nsg-nic', [{ name: 'allow-30080', priority: 100, source: '*', ports: '30080' }]),
      vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16' }]),
      scaleSet({ name: 'aks-public-12345678-vmss', subnet: ['vnet-aks', 'nodes'], nsg: 'nsg-nic', publicIpSku: 'Standard' }),
    ];
    const asset = exposureOfGraph(cluster.graph(resources)).get(deployment);
    expect(asset?.path[1]).toBe(lower(ids.vmss('aks-public-12345678-vmss')));
    expect(asset?.entryPoints[0]?.decidedBy).toEqual(['nsg-nic/allow-30080']);
  });
});

describe('nodes as the loader writes them', () => {
  it('the node’s scaleSetId (providerID) finds the pool scale set and its NIC NSG; the entry names the node’s external IP', () => {
    const cluster = new ClusterBuilder({ privateCluster: true, agentPools: [{ name: 'edge', enableNodePublicIP: true }] });
    cluster.node('edge-node-0', {}, { agentPool: 'edge', scaleSetId: lower(ids.vmss('vmss-edge')), internalIPs: ['10.224.0.6'], externalIPs: ['192.0.2.71'] });
    const pod = cluster.pod('edge', 'proxy', { labels: {}, containers: [container('proxy', 'acme/proxy', [{ containerPort: 8443, hostPort: 443 }])], nodeName: 'edge-node-0' });
    const resources = [
      nsg('nsg-nic', [{ name: 'allow-443', priority: 100, source: 'Internet', ports: '443' }]),
      vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16' }]),
      scaleSet({ name: 'vmss-edge', subnet: ['vnet-aks', 'nodes'], nsg: 'nsg-nic', publicIpSku: 'Standard' }),
    ];
    const asset = exposureOfGraph(cluster.graph(resources)).get(pod);
    expect(asset?.path).toEqual(['internet', k8sId(null, 'node', 'edge-node-0'), pod]);
    expect(asset?.entryPoints[0]).toMatchObject({ type: 'host-port', address: '192.0.2.71', decidedBy: ['nsg-nic/allow-443'], frontendPorts: { from: 443, to: 443 } });
  });

  it('node internal IPs are the SNAT sources NetworkPolicies see for externalTrafficPolicy Cluster', () => {
    const cluster = new ClusterBuilder({ privateCluster: true, networkPolicy: 'cilium' });
    cluster.node('aks-system-1-vmss000000', {}, { agentPool: 'system', internalIPs: ['172.16.5.4'] });
    const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web] });
    cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    cluster.networkPolicy('shop', 'from-10', { ingress: [{ from: [{ podSelector: null, namespaceSelector: null, ipBlock: { cidr: '10.0.0.0/8', except: [] } }] }] });
    expect(exposureOfGraph(cluster.graph()).has(deployment)).toBe(false);
    cluster.networkPolicy('shop', 'from-nodes', { ingress: [{ from: [{ podSelector: null, namespaceSelector: null, ipBlock: { cidr: '172.16.5.0/24', except: [] } }] }] });
    expect(exposureOfGraph(cluster.graph()).get(deployment)?.width).toBe('wide');
  });
});

describe('hostPort on nodes with public IPs', () => {
  function hostPortEstate(nodeName: string, rules: RuleSpec[] = [{ name: 'allow-8443', priority: 100, source: 'Internet', ports: '8443' }]) {
    const cluster = new ClusterBuilder({ privateCluster: true, agentPools: [{ name: 'public', enableNodePublicIP: true, vnetSubnetId: ids.subnet('vnet-aks', 'nodes') }, { name: 'system' }] });
    cluster.node(nodeName);
    const daemon = cluster.workload('kube-system', 'agent', {
      kind: 'DaemonSet',
      labels: { app: 'agent' },
      containers: [container('agent', 'acme/agent', [{ containerPort: 443, hostPort: 8443 }, { containerPort: 9100 }])],
      nodeName,
    });
    const resources = [nsg('nsg-nodes', rules), vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16', nsg: 'nsg-nodes' }])];
    return { cluster, daemon, graph: () => cluster.graph(resources) };
  }

  it('a hostPort on a public node exposes the container port, entered on the hostPort', () => {
    const { daemon, graph } = hostPortEstate(NODE);
    const asset = exposureOfGraph(graph()).get(daemon);
    expect(daemon).toBe(`${CLUSTER_ID}/k8s/kube-system/daemonset/agent`);
    expect(asset).toMatchObject({ ports: [{ protocol: 'tcp', from: 443, to: 443 }], path: ['internet', k8sId(null, 'node', NODE), daemon] });
    expect(asset?.entryPoints[0]).toMatchObject({ type: 'host-port', frontendPorts: { from: 8443, to: 8443 }, decidedBy: ['nsg-nodes/allow-8443'] });
  });

  it('a hostPort on a node of a pool without public IPs is not exposed', () => {
    expect(exposureOfGraph(hostPortEstate('aks-system-12345678-vmss000001').graph()).size).toBe(0);
  });

  it('a hostPort the NSG does not admit is not exposed', () => {
    expect(exposureOfGraph(hostPortEstate(NODE, [{ name: 'allow-443', priority: 100, source: 'Internet', ports: '443' }]).graph()).size).toBe(0);
  });

  it('a hostNetwork pod answers on its container ports and is not isolated by policies', () => {
    const cluster = new ClusterBuilder({ privateCluster: true, networkPolicy: 'calico', agentPools: [{ name: 'public', enableNodePublicIP: true, vnetSubnetId: ids.subnet('vnet-aks', 'nodes') }] });
    const pod = cluster.pod('kube-system', 'exporter', { labels: {}, containers: [container('exporter', 'acme/exporter', [{ containerPort: 9100 }])], nodeName: NODE, hostNetwork: true });
    cluster.networkPolicy('kube-system', 'default-deny', {});
    const resources = [
      nsg('nsg-nodes', [{ name: 'allow-9100', priority: 100, source: '*', ports: '9100' }]),
      vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16', nsg: 'nsg-nodes' }]),
    ];
    expect(exposureOfGraph(cluster.graph(resources)).get(pod)?.ports).toEqual([{ protocol: 'tcp', from: 9100, to: 9100 }]);
  });
});
