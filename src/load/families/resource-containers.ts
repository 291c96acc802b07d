import type { ArmResource } from '../../snapshot/arm-resource.js';
import { normalizeId, resourceGroupNodeId, subscriptionIdOf, subscriptionNodeId } from '../../model/ids.js';
import type { TransformContext } from '../context.js';
import { propertiesOf, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

export const resourceContainers: ResourceFamily = {
  key: 'resourceContainers',
  name: 'resource containers',
  armTypes: ['microsoft.resources/subscriptions', 'microsoft.resources/subscriptions/resourcegroups'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    if (resource.type.toLowerCase() === 'microsoft.resources/subscriptions') {
      context.addResourceNode(resource, 'Subscription', {
        subscriptionId: subscriptionIdOf(resource.id) ?? null,
        displayName: text(properties.displayName) ?? resource.name ?? null,
        state: text(properties.state),
      });
  } else {
      context.addResourceNode(resource, 'ResourceGroup', {
        provisioningState: text(properties.provisioningState),
      });
  }
  },
};

/**
 * Links every resource to its resource group and subscription, creating bare
 * container nodes when the snapshot has no resourcecontainers export.
 */
export function linkContainers(resources: readonly ArmResource[], context: TransformContext): void {
  for (const resource of resources) {
    // Resources that contribute only edges (role assignments and definitions) have no node to contain.
    if (!context.nodes.has(normalizeId(resource.id))) continue;
    const match = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?/i.exec(resource.id);
    if (!match?.[1]) continue;
    context.within(resourceContainers.key, subscriptionNodeId(match[1]), () => linkContainer(resource, match[1]!, match[2], context));
  }
}

function linkContainer(resource: ArmResource, subscription: string, group: string | undefined, context: TransformContext): void {
  const subscriptionId = subscriptionNodeId(subscription);
  ensureContainer(context, subscriptionId, 'Subscription', subscription);
  const id = normalizeId(resource.id);
  if (id === subscriptionId) return;
  if (!group) {
    context.addEdge(subscriptionId, 'CONTAINS', id);
    return;
  }
  const groupId = resourceGroupNodeId(subscription, group);
  ensureContainer(context, groupId, 'ResourceGroup', group);
  context.addEdge(subscriptionId, 'CONTAINS', groupId);
  if (id !== groupId) context.addEdge(groupId, 'CONTAINS', id);
}

function ensureContainer(context: TransformContext, id: string, kind: 'Subscription' | 'ResourceGroup', name: string): void {
  if (context.nodes.has(id)) return;
  context.addNode({
    id,
    kind,
    properties: {
      name: name.toLowerCase(),
      armType: kind === 'Subscription' ? 'microsoft.resources/subscriptions' : 'microsoft.resources/subscriptions/resourcegroups',
      subscriptionId: subscriptionIdOf(id) ?? null,
      synthesized: true,
  },
  });
}
