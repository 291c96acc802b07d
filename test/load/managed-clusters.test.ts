import { describe, expect, it } from 'vitest';
import { ALL_FAMILY_KEYS, AZURE_FAMILIES } from '../../src/load/families/index.js';
import { transformAzureResources } from '../../src/load/transform.js';
import type { AgentPool } from '../../src/model/kubernetes.js';
import { SUB, ids, lower, vnet } from '../helpers/arm.js';
import { AKS_RG, aksCluster, aksId } from '../helpers/kubernetes.js';

const node = (result: ReturnType<typeof transformAzureResources>, id: string) => result.graph.nodes.find((candidate) => candidate.id === lower(id));
const hasEdge = (result: ReturnType<typeof transformAzureResources>, source: string, kind: string, target: string) =>
  result.graph.edges.some((edge) => edge.source === lower(source) && edge.kind === kind && edge.target === lower(target));
const pools = (result: ReturnType<typeof transformAzureResources>, id: string) => JSON.parse(String(node(result, id)?.properties.agentPools)) as AgentPool[];

const NODE_RG = `/subscriptions/${SUB}/resourceGroups/MC_rg-aks_aks-prod_westeurope`;
const SUBNET = ids.subnet('vnet', 'aks');

describe('managed clusters (Microsoft.ContainerService/managedClusters)', () => {
  it('a public cluster without authorized ranges: API server FQDN, network policy, agent pools and node resource group', () => {
    const cluster = aksCluster('aks-prod', {
      currentKubernetesVersion: '1.29.4',
      agentPoolProfiles: [
        { name: 'system', mode: 'System', count: 2, vmSize: 'Standard_D4s_v5', vnetSubnetID: SUBNET, enableNodePublicIP: false },
        { name: 'edge', mode: 'User', count: 1, vmSize: 'Standard_D2s_v5', vnetSubnetID: SUBNET, enableNodePublicIP: true },
      ],
      networkProfile: { networkPlugin: 'Azure', networkPolicy: 'azure', outboundType: 'loadBalancer' },
      enableRBAC: true,
    });
    const result = transformAzureResources([cluster]);
    expect(node(result, cluster.id)).toMatchObject({
      kind: 'ManagedCluster',
      properties: {
        name: 'aks-prod',
        kubernetesVersion: '1.29.4',
        privateCluster: false,
        authorizedIpRanges: [],
        apiServerFqdn: 'aks-prod-abc123.hcp.westeurope.azmk8s.io',
        nodeResourceGroup: 'mc_rg-aks_aks-prod_westeurope',
        nodeResourceGroupId: lower(NODE_RG),
        networkPlugin: 'azure',
        networkPolicy: 'azure',
        enableRbac: true,
        syncFamily: 'managedClusters',
        syncScope: `/subscriptions/${SUB}`,
      },
    });
    expect(pools(result, cluster.id)).toEqual([
      { name: 'system', mode: 'System', count: 2, vmSize: 'Standard_D4s_v5', enableNodePublicIP: false, vnetSubnetId: lower(SUBNET) },
      { name: 'edge', mode: 'User', count: 1, vmSize: 'Standard_D2s_v5', enableNodePublicIP: true, vnetSubnetId: lower(SUBNET) },
    ]);
  });

  it('reads authorized IP ranges, and a private cluster with its private FQDN', () => {
    const narrow = aksCluster('aks-narrow', { apiServerAccessProfile: { authorizedIPRanges: ['203.0.113.0/24', ' 198.51.100.7/32'] } });
    const hidden = aksCluster('aks-private', {
      fqdn: undefined,
      privateFQDN: 'aks-private-1a2b.5e7a.privatelink.westeurope.azmk8s.io',
      apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: 'system' },
    });
    const result = transformAzureResources([narrow, hidden]);
    expect(node(result, narrow.id)?.properties).toMatchObject({ privateCluster: false, authorizedIpRanges: ['203.0.113.0/24', '198.51.100.7/32'] });
    expect(node(result, hidden.id)?.properties).toMatchObject({ privateCluster: true, authorizedIpRanges: [], apiServerFqdn: 'aks-private-1a2b.5e7a.privatelink.westeurope.azmk8s.io' });
  });

  it('a private cluster that also has a public FQDN reports the private one', () => {
    const both = aksCluster('aks-both', { privateFQDN: 'aks-both.private.example', apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true } });
    expect(node(transformAzureResources([both]), both.id)?.properties.apiServerFqdn).toBe('aks-both.private.example');
  });

  it('networkPolicy is null when absent or "none": nothing enforces NetworkPolicy objects', () => {
    const absent = aksCluster('aks-a', { networkProfile: { networkPlugin: 'kubenet' } });
    const none = aksCluster('aks-b', { networkProfile: { networkPlugin: 'azure', networkPolicy: 'none' } });
    const calico = aksCluster('aks-c', { networkProfile: { networkPlugin: 'azure', networkPolicy: 'Calico' } });
    const result = transformAzureResources([absent, none, calico]);
    expect(node(result, absent.id)?.properties.networkPolicy).toBeNull();
    expect(node(result, none.id)?.properties.networkPolicy).toBeNull();
    expect(node(result, calico.id)?.properties.networkPolicy).toBe('calico');
  });

  it('defaults a pool without enableNodePublicIP or subnet to no public IP and null subnet', () => {
    const cluster = aksCluster('aks', { agentPoolProfiles: [{ name: 'nodepool1', count: 3 }] });
    expect(pools(transformAzureResources([cluster]), cluster.id)).toEqual([
      { name: 'nodepool1', mode: null, count: 3, vmSize: null, enableNodePublicIP: false, vnetSubnetId: null },
    ]);
  });

  it('reads the az CLI (flattened, az-cased) shape too', () => {
    const flat = {
      id: aksId('aks-flat'),
      name: 'aks-flat',
      type: 'Microsoft.ContainerService/ManagedClusters',
      fqdn: 'flat.hcp.westeurope.azmk8s.io',
      apiServerAccessProfile: { authorizedIpRanges: ['203.0.113.0/24'] },
      networkProfile: { networkPolicy: 'cilium' },
      agentPoolProfiles: [{ name: 'np', enableNodePublicIp: true, vnetSubnetId: SUBNET }],
      enableRbac: false,
    };
    const result = transformAzureResources([flat]);
    expect(node(result, flat.id)?.properties).toMatchObject({ apiServerFqdn: 'flat.hcp.westeurope.azmk8s.io', authorizedIpRanges: ['203.0.113.0/24'], networkPolicy: 'cilium', enableRbac: false });
    expect(pools(result, flat.id)[0]).toMatchObject({ enableNodePublicIP: true, vnetSubnetId: lower(SUBNET) });
  });

  it('CONTAINS the node resource group when the snapshot holds it (or anything in it), and otherwise no dangling edge', () => {
    const cluster = aksCluster('aks-prod');
    const lonely = aksCluster('aks-lonely');
    const inNodeGroup = { id: `${NODE_RG}/providers/Microsoft.Network/loadBalancers/kubernetes`, type: 'Microsoft.Network/loadBalancers', name: 'kubernetes', properties: {} };
    const result = transformAzureResources([cluster, lonely, inNodeGroup]);
    expect(hasEdge(result, cluster.id, 'CONTAINS', NODE_RG)).toBe(true);
    expect(node(result, NODE_RG)?.kind).toBe('ResourceGroup');
    expect(result.graph.edges.some((edge) => edge.source === lower(lonely.id) && edge.kind === 'CONTAINS')).toBe(false);
    expect(result.danglingEdges).toEqual([]);
    // The cluster's own resource group contains it as usual.
    expect(hasEdge(result, AKS_RG, 'CONTAINS', cluster.id)).toBe(true);
  });

  it('the identity block gives the cluster its system-assigned identity (handled generically); the kubelet identity is recorded', () => {
    const kubelet = `${NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-prod-agentpool`;
    const cluster = aksCluster(
      'aks-prod',
      { identityProfile: { kubeletidentity: { resourceId: kubelet, clientId: 'c', objectId: 'o' } } },
      { identity: { type: 'SystemAssigned', principalId: 'AAAA-1111', tenantId: 't' } },
    );
    const result = transformAzureResources([cluster]);
    const identity = `${lower(cluster.id)}/providers/microsoft.managedidentity/identities/default`;
    expect(hasEdge(result, cluster.id, 'USES_IDENTITY', identity)).toBe(true);
    expect(node(result, identity)?.properties).toMatchObject({ identityType: 'SystemAssigned', principalId: 'aaaa-1111', hostId: lower(cluster.id), syncFamily: 'managedClusters' });
    expect(node(result, cluster.id)?.properties.kubeletIdentityId).toBe(lower(kubelet));
  });

  it('is a registered family; ALL_FAMILY_KEYS names it and every Kubernetes family', () => {
    expect(AZURE_FAMILIES.some((family) => family.key === 'managedClusters')).toBe(true);
    expect(ALL_FAMILY_KEYS).toEqual(
      expect.arrayContaining([
        'managedClusters',
        'kubernetesNamespaces',
        'kubernetesNodes',
        'kubernetesWorkloads',
        'kubernetesPods',
        'kubernetesServices',
        'kubernetesIngresses',
        'kubernetesIngressClasses',
        'kubernetesNetworkPolicies',
        'kubernetesServiceAccounts',
      ]),
    );
    expect(new Set(ALL_FAMILY_KEYS).size).toBe(ALL_FAMILY_KEYS.length);
  });

  it('a cluster in a subnet of the snapshot keeps its pools pointing at it, lowercased', () => {
    const network = vnet('vnet', '10.2.0.0/16', [{ name: 'aks', prefix: '10.2.0.0/22' }]);
    const cluster = aksCluster('aks', { agentPoolProfiles: [{ name: 'p', vnetSubnetID: SUBNET.toUpperCase() }] });
    const result = transformAzureResources([network, cluster]);
    expect(pools(result, cluster.id)[0]?.vnetSubnetId).toBe(lower(SUBNET));
    expect(node(result, SUBNET)?.kind).toBe('Subnet');
  });
});
