import type { ArmResource } from '../../snapshot/arm-resource.js';
import { normalizeId } from '../../model/ids.js';
import type { TransformContext } from '../context.js';
import { asObject, objects, propertiesOf, refId, singularAndPlural, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

function addSubnet(raw: ArmResource | Record<string, unknown>, virtualNetworkId: string, context: TransformContext): void {
  const id = text(raw.id);
  if (!id) {
    context.warn(virtualNetworkId, 'a subnet without an id was skipped');
    return;
  }
  const properties = propertiesOf(raw);
  const subnetId = normalizeId(id);
  const networkSecurityGroupId = refId(properties.networkSecurityGroup);
  context.addResourceNode(
    { id, type: 'microsoft.network/virtualnetworks/subnets', name: text(raw.name) ?? undefined },
    'Subnet',
    {
      addressPrefixes: singularAndPlural(properties, 'addressPrefix', 'addressPrefixes'),
      virtualNetworkId,
      networkSecurityGroupId,
      routeTableId: refId(properties.routeTable),
    },
  );
  context.addEdge(virtualNetworkId, 'CONTAINS', subnetId);
  if (networkSecurityGroupId) context.addEdge(subnetId, 'PROTECTED_BY', networkSecurityGroupId);
}

export const virtualNetworks: ResourceFamily = {
  key: 'virtualNetworks',
  name: 'virtual networks',
  armTypes: ['microsoft.network/virtualnetworks', 'microsoft.network/virtualnetworks/subnets'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    if (resource.type.toLowerCase() === 'microsoft.network/virtualnetworks/subnets') {
      const parent = normalizeId(resource.id).replace(/\/subnets\/[^/]+$/, '');
      addSubnet(resource, parent, context);
      return;
    }
    const id = context.addResourceNode(resource, 'VirtualNetwork', {
      addressPrefixes: singularAndPlural(asObject(properties.addressSpace) ?? {}, 'addressPrefix', 'addressPrefixes'),
    });
    for (const subnet of objects(properties.subnets)) addSubnet(subnet, id, context);
    for (const peering of objects(properties.virtualNetworkPeerings)) {
      const peeringProperties = propertiesOf(peering);
      const remote = refId(peeringProperties.remoteVirtualNetwork);
      if (remote) context.addEdge(id, 'PEERED_WITH', remote, { peeringState: text(peeringProperties.peeringState) });
    }
  },
};
