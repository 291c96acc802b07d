import { asObject, propertiesOf, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

/** Azure Container Registries: their login servers are the default trusted registries for artifact integrity. */
export const containerRegistries: ResourceFamily = {
  key: 'containerRegistries',
  name: 'container registries',
  armTypes: ['microsoft.containerregistry/registries'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    context.addResourceNode(resource, 'ContainerRegistry', {
      loginServer: text(properties.loginServer)?.toLowerCase() ?? null,
      sku: text(resource.sku?.name),
      adminUserEnabled: properties.adminUserEnabled === true,
      publicNetworkAccess: text(properties.publicNetworkAccess),
      anonymousPullEnabled: properties.anonymousPullEnabled === true,
      networkRuleDefaultAction: text(asObject(properties.networkRuleSet)?.defaultAction),
    });
  },
};
