/**
 * Where the data and secrets are: key vaults, storage accounts and SQL
 * servers, the crown jewels attack paths end at. Their network settings are
 * kept for the analyses to come (a public endpoint open to any address, for
 * instance); for now attack paths only follow identities and roles.
 */
import type { Properties } from '../../model/graph.js';
import { asObject, objects, propertiesOf, type RawObject, refId, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return null;
}

/** `networkAcls` (key vaults, storage accounts): default action, bypass, allowed IP ranges and subnets. */
function networkAcls(properties: RawObject): Properties {
  const acls = asObject(properties.networkAcls);
  return {
    networkDefaultAction: text(acls?.defaultAction),
    networkBypass: text(acls?.bypass),
    networkIpRules: objects(acls?.ipRules)
      .map((rule) => text(rule.value) ?? text(rule.ipAddressOrRange))
      .filter((value): value is string => value !== null),
    networkSubnetIds: objects(acls?.virtualNetworkRules)
      .map((rule) => refId(rule))
      .filter((value): value is string => value !== null),
    privateEndpointConnections: objects(properties.privateEndpointConnections).length,
  };
}

export const keyVaults: ResourceFamily = {
  key: 'keyVaults',
  name: 'key vaults',
  armTypes: ['microsoft.keyvault/vaults'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    context.addResourceNode(resource, 'KeyVault', {
      vaultUri: text(properties.vaultUri),
      sku: text(asObject(properties.sku)?.name) ?? text(resource.sku?.name),
      tenantId: text(properties.tenantId)?.toLowerCase() ?? null,
      // null when the export leaves it out: ARM's default depends on the API version that created the vault.
      enableRbacAuthorization: bool(properties.enableRbacAuthorization),
      accessPolicyCount: objects(properties.accessPolicies).length,
      enableSoftDelete: bool(properties.enableSoftDelete),
      enablePurgeProtection: bool(properties.enablePurgeProtection),
      publicNetworkAccess: text(properties.publicNetworkAccess),
      ...networkAcls(properties),
    });
  },
};

export const storageAccounts: ResourceFamily = {
  key: 'storageAccounts',
  name: 'storage accounts',
  armTypes: ['microsoft.storage/storageaccounts'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    context.addResourceNode(resource, 'StorageAccount', {
      accountKind: typeof resource.kind === 'string' ? resource.kind : null,
      sku: text(resource.sku?.name),
      accessTier: text(properties.accessTier),
      blobEndpoint: text(asObject(properties.primaryEndpoints)?.blob),
      publicNetworkAccess: text(properties.publicNetworkAccess),
      allowBlobPublicAccess: bool(properties.allowBlobPublicAccess),
      allowSharedKeyAccess: bool(properties.allowSharedKeyAccess),
      supportsHttpsTrafficOnly: bool(properties.supportsHttpsTrafficOnly),
      minimumTlsVersion: text(properties.minimumTlsVersion),
      isHnsEnabled: bool(properties.isHnsEnabled),
      ...networkAcls(properties),
    });
  },
};

export const sqlServers: ResourceFamily = {
  key: 'sqlServers',
  name: 'SQL servers',
  armTypes: ['microsoft.sql/servers'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const administrators = asObject(properties.administrators);
    context.addResourceNode(resource, 'SqlServer', {
      fullyQualifiedDomainName: text(properties.fullyQualifiedDomainName),
      version: text(properties.version),
      publicNetworkAccess: text(properties.publicNetworkAccess),
      minimalTlsVersion: text(properties.minimalTlsVersion),
      administratorLogin: text(properties.administratorLogin),
      azureADOnlyAuthentication: bool(administrators?.azureADOnlyAuthentication),
      restrictOutboundNetworkAccess: text(properties.restrictOutboundNetworkAccess),
      privateEndpointConnections: objects(properties.privateEndpointConnections).length,
    });
  },
};
