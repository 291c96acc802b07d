import { asObject, propertiesOf, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

export const publicIpAddresses: ResourceFamily = {
  key: 'publicIPAddresses',
  name: 'public IP addresses',
  armTypes: ['microsoft.network/publicipaddresses'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const ipConfigurationId = text(asObject(properties.ipConfiguration)?.id);
    context.addResourceNode(resource, 'PublicIPAddress', {
      // ARM omitted `sku` before SKUs existed; such addresses are Basic.
      sku: text(resource.sku?.name)?.toLowerCase() === 'standard' ? 'Standard' : 'Basic',
      ipAddress: text(properties.ipAddress),
      ipVersion: text(properties.publicIPAddressVersion) ?? 'IPv4',
      allocationMethod: text(properties.publicIPAllocationMethod),
      fqdn: text(asObject(properties.dnsSettings)?.fqdn),
      ipConfigurationId: ipConfigurationId ? ipConfigurationId.toLowerCase() : null,
    });
  },
};
