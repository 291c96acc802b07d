/**
 * Microsoft.Web `GET …/sites/<app>/config/web`: the site configuration with
 * its access restrictions (`ipSecurityRestrictions`,
 * `scmIpSecurityRestrictions`, their default actions) and
 * `publicNetworkAccess`. A site without configured restrictions answers App
 * Service's default: one "Allow all" rule. Sites themselves are the state's
 * `microsoft.web/sites` resources.
 */
import { type ArmRoute, authorizationFailed, ok, resourceGroupMissing, resourceNotFound, routePattern } from './arm-wire.js';
import { isAllowed } from './rbac.js';
import { findResource, lower } from './state.js';

const READ = 'Microsoft.Web/sites/config/read';
const ALLOW_ALL = [{ ipAddress: 'Any', action: 'Allow', priority: 2147483647, name: 'Allow all', description: 'Allow all access' }];

function defaultSiteConfig(name: string, site: Record<string, unknown>): Record<string, unknown> {
  const properties = (site.properties ?? {}) as { publicNetworkAccess?: string; siteConfig?: { linuxFxVersion?: string } };
  return {
    numberOfWorkers: 1,
    defaultDocuments: ['Default.htm', 'Default.html', 'index.html', 'hostingstart.html'],
    netFrameworkVersion: 'v4.0',
    linuxFxVersion: properties.siteConfig?.linuxFxVersion ?? '',
    requestTracingEnabled: false,
    remoteDebuggingEnabled: false,
    httpLoggingEnabled: false,
    logsDirectorySizeLimit: 35,
    detailedErrorLoggingEnabled: false,
    publishingUsername: `$${name}`,
    scmType: 'None',
    use32BitWorkerProcess: true,
    webSocketsEnabled: false,
    alwaysOn: false,
    managedPipelineMode: 'Integrated',
    virtualApplications: [{ virtualPath: '/', physicalPath: 'site\\wwwroot', preloadEnabled: false }],
    loadBalancing: 'LeastRequests',
    autoHealEnabled: false,
    vnetRouteAllEnabled: false,
    http20Enabled: false,
    minTlsVersion: '1.2',
    scmMinTlsVersion: '1.2',
    ftpsState: 'FtpsOnly',
    publicNetworkAccess: properties.publicNetworkAccess ?? null,
    ipSecurityRestrictions: ALLOW_ALL,
    ipSecurityRestrictionsDefaultAction: 'Allow',
    scmIpSecurityRestrictions: ALLOW_ALL,
    scmIpSecurityRestrictionsDefaultAction: 'Allow',
    scmIpSecurityRestrictionsUseMain: false,
    azureStorageAccounts: {},
  };
}

export const webRoutes: ArmRoute[] = [
  {
    method: 'GET',
    pattern: routePattern('/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/sites/{name}/config/web'),
    handle(request, [subscriptionId = '', resourceGroup = '', name = '']) {
      const siteId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${name}`;
      if (!isAllowed(request.state, request.claims.oid, READ, `${siteId}/config/web`)) return authorizationFailed(request, READ, `${siteId}/config/web`);
      const missing = resourceGroupMissing(request);
      if (missing) return missing;
      const site = findResource(request.state, siteId);
      if (!site || lower(site.type) !== 'microsoft.web/sites') return resourceNotFound('Microsoft.Web/sites', name, resourceGroup);
      return ok({
        id: `${String(site.id)}/config/web`,
        name: String(site.name ?? name),
        type: 'Microsoft.Web/sites/config',
        location: site.location,
        properties: { ...defaultSiteConfig(String(site.name ?? name), site), ...request.state.webConfigs[lower(site.id)] },
      });
    },
  },
];
