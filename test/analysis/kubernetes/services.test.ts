import { describe, expect, it } from 'vitest';
import { ids, loadBalancer, lower, nsg, publicIp, type RuleSpec, vnet } from '../../helpers/arm.js';
import { CLUSTER_ID, ClusterBuilder, container, exposureOfGraph } from '../../helpers/kubernetes-graph.js';

const web = container('web', 'shop/web', [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }]);

/** A private cluster (no API server asset) with a `web` Deployment of two replicas. */
function shop(service: Partial<Parameters<ClusterBuilder['service']>[2]> = {}) {
  const cluster = new ClusterBuilder({ privateCluster: true });
  const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web], replicas: 2 });
  const serviceId = cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ...service });
  return { cluster, deployment, serviceId };
}

describe('LoadBalancer services', () => {
  it('expose the Deployment owning the selected pods (through its ReplicaSet) on the resolved named targetPort', () => {
    const { cluster, deployment, serviceId } = shop();
    const exposure = exposureOfGraph(cluster.graph());
    expect([...exposure.keys()]).toEqual([deployment]);
    const asset = exposure.get(deployment);
    expect(deployment).toBe(`${CLUSTER_ID}/k8s/shop/deployment/web`);
    expect(asset).toMatchObject({ kind: 'KubernetesWorkload', width: 'wide', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }], path: ['internet', serviceId, deployment] });
    expect(asset?.entryPoints).toEqual([
      {
        type: 'kubernetes-load-balancer',
        publicIpId: null,
        address: null,
        forwarder: serviceId,
        frontendPorts: { from: 80, to: 80 },
        decidedBy: [],
        sources: ['*'],
        width: 'wide',
        ports: [{ protocol: 'tcp', from: 8080, to: 8080, width: 'wide' }],
      },
    ]);
  });

  it('a numeric targetPort is used as-is and a missing one means the service port', () => {
    const { cluster, deployment } = shop({ ports: [{ port: 443, targetPort: 8443 }, { port: 53, protocol: 'UDP', targetPort: undefined }] });
    expect(exposureOfGraph(cluster.graph()).get(deployment)?.ports).toEqual([
      { protocol: 'tcp', from: 8443, to: 8443 },
      { protocol: 'udp', from: 53, to: 53 },
    ]);
  });

  it('a named targetPort the pods do not declare (or declare for another protocol) reaches nothing; SCTP is ignored', () => {
    const { cluster } = shop({ ports: [{ port: 80, targetPort: 'grpc' }, { port: 81, protocol: 'UDP', targetPort: 'http' }, { port: 82, protocol: 'SCTP' }] });
    expect(exposureOfGraph(cluster.graph()).size).toBe(0);
  });

  it('the azure-load-balancer-internal annotation (internal) exposes nothing', () => {
    const { cluster } = shop({ internal: true });
    expect(exposureOfGraph(cluster.graph()).size).toBe(0);
  });

  it('ClusterIP and NodePort services are not internet-facing without node public IPs', () => {
    expect(exposureOfGraph(shop({ type: 'ClusterIP' }).cluster.graph()).size).toBe(0);
    expect(exposureOfGraph(shop({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] }).cluster.graph()).size).toBe(0);
  });

  it('loadBalancerSourceRanges (spec or allowed-ip-ranges annotation) make it narrow', () => {
    const { cluster, deployment } = shop({ sourceRanges: ['198.51.100.0/24'] });
    const asset = exposureOfGraph(cluster.graph()).get(deployment);
    expect(asset?.width).toBe('narrow');
    expect(asset?.entryPoints[0]?.sources).toEqual(['198.51.100.0/24']);
  });

  it('allowed service tags make it narrow; the Internet tag keeps it wide', () => {
    expect(exposureOfGraph(shop({ serviceTags: ['AzureFrontDoor.Backend'] }).cluster.graph()).get(shop().deployment)?.width).toBe('narrow');
    expect(exposureOfGraph(shop({ serviceTags: ['Internet'] }).cluster.graph()).get(shop().deployment)?.width).toBe('wide');
  });

  it('a 0.0.0.0/0 or ::/0 source range keeps it wide', () => {
    expect(exposureOfGraph(shop({ sourceRanges: ['198.51.100.0/24', '0.0.0.0/0'] }).cluster.graph()).get(shop().deployment)?.width).toBe('wide');
    expect(exposureOfGraph(shop({ sourceRanges: ['::/0'] }).cluster.graph()).get(shop().deployment)?.width).toBe('wide');
  });

  it('source ranges of private addresses only admit no internet client', () => {
    expect(exposureOfGraph(shop({ sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] }).cluster.graph()).size).toBe(0);
  });

  it('the path runs through the public IP holding the service address and its load balancer', () => {
    const { cluster, deployment, serviceId } = shop({ ips: ['203.0.113.50'] });
    const graph = cluster.graph([publicIp('pip-web', 'Standard', '203.0.113.50'), loadBalancer({ name: 'kubernetes', publicIp: 'pip-web' })]);
    const asset = exposureOfGraph(graph).get(deployment);
    expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-web')), lower(ids.lb('kubernetes')), serviceId, deployment]);
    expect(asset?.entryPoints[0]).toMatchObject({ publicIpId: lower(ids.pip('pip-web')), address: '203.0.113.50' });
  });

  it('services sharing the cluster load balancer each take the path through their own public IP', () => {
    const cluster = new ClusterBuilder({ privateCluster: true });
    const first = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web] });
    const second = cluster.workload('shop', 'api', { labels: { app: 'api' }, containers: [web] });
    const firstService = cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ips: ['203.0.113.50'] });
    const secondService = cluster.service('shop', 'api', { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }], ips: ['203.0.113.51'] });
    const lb = loadBalancer({ name: 'kubernetes', publicIp: 'pip-a' });
    const frontends = (lb.properties as { frontendIPConfigurations: unknown[] }).frontendIPConfigurations;
    frontends.push({ id: `${ids.lb('kubernetes')}/frontendIPConfigurations/fe-b`, name: 'fe-b', properties: { publicIPAddress: { id: ids.pip('pip-b') } } });
    const exposure = exposureOfGraph(cluster.graph([publicIp('pip-a', 'Standard', '203.0.113.50'), publicIp('pip-b', 'Standard', '203.0.113.51'), lb]));
    expect(exposure.get(first)?.path).toEqual(['internet', lower(ids.pip('pip-a')), lower(ids.lb('kubernetes')), firstService, first]);
    expect(exposure.get(second)?.path).toEqual(['internet', lower(ids.pip('pip-b')), lower(ids.lb('kubernetes')), secondService, second]);
  });

  it('a service address with no public IP in the graph goes straight from the internet', () => {
    const { cluster, deployment, serviceId } = shop({ ips: ['203.0.113.51'] });
    const asset = exposureOfGraph(cluster.graph([publicIp('pip-other', 'Standard', '203.0.113.99')])).get(deployment);
    expect(asset?.path).toEqual(['internet', serviceId, deployment]);
    expect(asset?.entryPoints[0]).toMatchObject({ publicIpId: null, address: '203.0.113.51' });
  });

  it('a bare pod is its own asset', () => {
    const cluster = new ClusterBuilder({ privateCluster: true });
    const pod = cluster.pod('debug', 'netshoot', { labels: { app: 'netshoot' }, containers: [container('netshoot', 'nicolaka/netshoot', [{ containerPort: 22 }])] });
    const serviceId = cluster.service('debug', 'ssh', { type: 'LoadBalancer', selector: { app: 'netshoot' }, ports: [{ port: 22 }] });
    const asset = exposureOfGraph(cluster.graph()).get(pod);
    expect(asset).toMatchObject({ kind: 'KubernetesPod', path: ['internet', serviceId, pod], ports: [{ protocol: 'tcp', from: 22, to: 22 }] });
  });

  it('pods are attributed through OWNS edges when ownerWorkloadId is missing; finished pods are no endpoints', () => {
    const cluster = new ClusterBuilder({ privateCluster: true });
    const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web] });
    for (const node of cluster.nodes) if (node.kind === 'KubernetesPod') node.properties.ownerWorkloadId = null;
    cluster.pod('shop', 'job-0', { labels: { app: 'web' }, containers: [web], phase: 'Succeeded' });
    cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    expect([...exposureOfGraph(cluster.graph()).keys()]).toEqual([deployment]);
  });

  it('selects only pods of its own namespace', () => {
    const cluster = new ClusterBuilder({ privateCluster: true });
    cluster.workload('other', 'web', { labels: { app: 'web' }, containers: [web] });
    cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    expect(exposureOfGraph(cluster.graph()).size).toBe(0);
  });
});

describe('LoadBalancer services behind the nodes’ NSGs', () => {
  /** `shop` with its pool in subnet `nodes` (NSG `nsg-nodes` with `rules`) and the frontend address 203.0.113.50. */
  function behind(rules: RuleSpec[], service: Partial<Parameters<ClusterBuilder['service']>[2]> = {}) {
    const cluster = new ClusterBuilder({ privateCluster: true, agentPools: [{ name: 'nodepool1', vnetSubnetId: ids.subnet('vnet-aks', 'nodes') }] });
    const deployment = cluster.workload('shop', 'web', { labels: { app: 'web' }, containers: [web], replicas: 2 });
    cluster.service('shop', 'web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ips: ['203.0.113.50'], ...service });
    const graph = cluster.graph([nsg('nsg-nodes', rules), vnet('vnet-aks', '10.224.0.0/12', [{ name: 'nodes', prefix: '10.224.0.0/16', nsg: 'nsg-nodes' }])]);
    return exposureOfGraph(graph).get(deployment);
  }
  const aksRule = (spec: Partial<RuleSpec> = {}): RuleSpec => ({ name: 'aks-tcp-80', priority: 500, source: 'Internet', destination: '203.0.113.50', ports: '80', ...spec });

  it('the rule AKS writes for the frontend address and service port lets the service in, and explains it', () => {
    expect(behind([aksRule()])?.entryPoints).toEqual([
      expect.objectContaining({ type: 'kubernetes-load-balancer', address: '203.0.113.50', frontendPorts: { from: 80, to: 80 }, decidedBy: ['nsg-nodes/aks-tcp-80'], width: 'wide' }),
    ]);
  });

  it('a node subnet NSG without a rule for the service port shuts it, though the service names no source ranges', () => {
    expect(behind([{ name: 'allow-ssh', priority: 100, source: 'Internet', ports: '22' }])).toBeUndefined();
    expect(behind([{ name: 'deny-web', priority: 100, access: 'Deny', source: 'Internet', ports: '80' }, aksRule()])).toBeUndefined();
  });

  it('a rule for another frontend address or port does not open this one', () => {
    expect(behind([aksRule({ destination: '203.0.113.99' })])).toBeUndefined();
    expect(behind([aksRule({ ports: '443' })])).toBeUndefined();
  });

  it('clients must pass both the service’s source ranges and the NSG', () => {
    expect(behind([aksRule({ source: '198.51.100.0/24' })], { sourceRanges: ['203.0.113.0/25'] })).toBeUndefined();
    const asset = behind([aksRule({ source: '198.51.100.0/24' })], { sourceRanges: ['198.51.100.0/25', '203.0.113.0/25'] });
    expect(asset).toMatchObject({ width: 'narrow', ports: [{ protocol: 'tcp', from: 8080, to: 8080 }] });
  });

  it('without a frontend address (still provisioning) there is no destination to evaluate, so the service stays exposed', () => {
    expect(behind([{ name: 'allow-ssh', priority: 100, source: 'Internet', ports: '22' }], { ips: [] })?.entryPoints[0]).toMatchObject({ address: null, decidedBy: [] });
  });
});
