/**
 * AKS clusters (Microsoft.ContainerService/managedClusters): the API server's
 * exposure (private, authorized IP ranges), network policy enforcement, agent
 * pools, and the node resource group AKS manages for the cluster. The
 * cluster's `identity` block is handled by transform.ts like any resource's.
 */
import { normalizeId, resourceGroupNodeId, subscriptionIdOf } from '../../model/ids.js';
import type { AgentPool } from '../../model/kubernetes.js';
import type { TransformContext } from '../context.js';
import { asObject, integer, objects, propertiesOf, type RawObject, refId, text, texts } from '../raw.js';
import type { ResourceFamily } from './family.js';

function agentPool(raw: RawObject): AgentPool {
  const properties = propertiesOf(raw);
  const subnet = text(properties.vnetSubnetID) ?? text(properties.vnetSubnetId);
  return {
    name: text(raw.name) ?? text(properties.name) ?? 'pool',
    mode: text(properties.mode),
    count: integer(properties.count),
    vmSize: text(properties.vmSize),
    // ARM spells it enableNodePublicIP; the az CLI's flattened output enableNodePublicIp.
    enableNodePublicIP: properties.enableNodePublicIP === true || properties.enableNodePublicIp === true,
    vnetSubnetId: subnet ? normalizeId(subnet) : null,
  };
}

/** Resource group ids that hold something in the snapshot (or are exported themselves): their nodes will exist. */
function presentResourceGroups(context: TransformContext): Set<string> {
  return context.memo('managedClusters/resourceGroups', () => {
    const groups = new Set<string>();
    for (const resource of context.allResources()) {
      const match = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+)/i.exec(resource.id);
      if (match?.[1]) groups.add(normalizeId(match[1]));
    }
    return groups;
  });
}

/** `networkProfile.networkPolicy`: null when absent or `none` (nothing enforces NetworkPolicy objects). */
function networkPolicy(value: unknown): string | null {
  const policy = text(value)?.trim().toLowerCase();
  return policy && policy !== 'none' ? policy : null;
}

export const managedClusters: ResourceFamily = {
  key: 'managedClusters',
  name: 'AKS managed clusters',
  armTypes: ['microsoft.containerservice/managedclusters'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const access = asObject(properties.apiServerAccessProfile) ?? {};
    const network = asObject(properties.networkProfile) ?? {};
    const privateCluster = access.enablePrivateCluster === true;
    const fqdn = text(properties.fqdn);
    const privateFqdn = text(properties.privateFQDN) ?? text(properties.privateFqdn);
    const nodeResourceGroup = text(properties.nodeResourceGroup)?.toLowerCase() ?? null;
    const subscription = subscriptionIdOf(resource.id);
    const nodeResourceGroupId = nodeResourceGroup && subscription ? resourceGroupNodeId(subscription, nodeResourceGroup) : null;
    const pools = objects(properties.agentPoolProfiles).map(agentPool);
    const kubeletIdentity = asObject(asObject(properties.identityProfile)?.kubeletidentity);

    const clusterId = context.addResourceNode(resource, 'ManagedCluster', {
      kubernetesVersion: text(properties.currentKubernetesVersion) ?? text(properties.kubernetesVersion),
      privateCluster,
      authorizedIpRanges: [...new Set([...texts(access.authorizedIPRanges), ...texts(access.authorizedIpRanges)].map((range) => range.trim()))],
      apiServerFqdn: privateCluster ? (privateFqdn ?? fqdn) : (fqdn ?? privateFqdn),
      nodeResourceGroup,
      nodeResourceGroupId,
      networkPlugin: text(network.networkPlugin)?.toLowerCase() ?? null,
      networkPolicy: networkPolicy(network.networkPolicy),
      agentPools: JSON.stringify(pools),
      skuTier: text(asObject(resource.sku)?.tier),
      enableRbac: typeof properties.enableRBAC === 'boolean' ? properties.enableRBAC : typeof properties.enableRbac === 'boolean' ? properties.enableRbac : null,
      disableLocalAccounts: properties.disableLocalAccounts === true,
      aadManaged: asObject(properties.aadProfile)?.managed === true,
      outboundType: text(network.outboundType),
      kubeletIdentityId: refId({ id: kubeletIdentity?.resourceId }),
    });
    // The node resource group's node exists when the snapshot exports it or anything in it.
    if (nodeResourceGroupId && presentResourceGroups(context).has(nodeResourceGroupId)) {
      context.addEdge(clusterId, 'CONTAINS', nodeResourceGroupId);
    }
  },
};
