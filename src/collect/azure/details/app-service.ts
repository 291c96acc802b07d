/**
 * App Service web configuration (`sites/<app>/config/web`): access
 * restrictions and public network access decide who reaches an app. Never
 * app settings or connection strings: they hold secrets. The GET does not
 * return them, and the fields that could carry them are dropped all the same.
 */
import { type ArmDetail } from './detail.js';

const API_VERSION = '2023-12-01';
/** SiteConfig fields that can hold credentials (storage account keys, settings, connection strings, publishing user). */
const SECRET_BEARING = ['appSettings', 'connectionStrings', 'azureStorageAccounts', 'publishingUsername', 'metadata'];

export const appServiceWebConfig: ArmDetail = {
  key: 'web-config',
  name: 'App Service web configuration',
  sourceType: 'microsoft.web/sites',
  family: 'genericResources',
  async collect(resource, clients) {
    const config = (await clients.arm.get(`${String(resource.id)}/config/web`, API_VERSION)) as Record<string, unknown>;
    const properties = { ...((config.properties as Record<string, unknown> | undefined) ?? {}) };
    for (const field of SECRET_BEARING) delete properties[field];
    return [{ ...config, id: config.id ?? `${String(resource.id)}/config/web`, type: config.type ?? 'Microsoft.Web/sites/config', properties }];
  },
  deniedFix: 'grant Reader on the subscription (Microsoft.Web/sites/config/read); reachgraph never lists app settings or connection strings',
};
