/**
 * Microsoft.Network as @azure/arm-network 39 calls it: a scale set's
 * instance NICs and public IPs (api-version 2018-10-01, paged by `nextLink`)
 * and a Bastion host's shareable links (`POST …/getShareableLinks`, whose
 * `nextLink` the SDK follows with GET).
 */
import { type ArmRequest, type ArmRoute, armError, authorizationFailed, page, resourceGroupMissing, resourceNotFound, routePattern } from './arm-wire.js';
import { isAllowed } from './rbac.js';
import { findResource, lower, stableGuid } from './state.js';

const SCALE_SET = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/{name}';
const BASTION = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/bastionHosts/{name}';

function scaleSetList(kind: 'networkInterfaces' | 'publicIPAddresses', action: string): ArmRoute['handle'] {
  return (request, [subscriptionId = '', resourceGroup = '', name = '']) => {
    const scaleSetId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
    if (!isAllowed(request.state, request.claims.oid, action, scaleSetId)) return authorizationFailed(request, action, scaleSetId);
    const missing = resourceGroupMissing(request);
    if (missing) return missing;
    const scaleSet = findResource(request.state, scaleSetId);
    if (!scaleSet || lower(scaleSet.type) !== 'microsoft.compute/virtualmachinescalesets') return resourceNotFound('Microsoft.Compute/virtualMachineScaleSets', name, resourceGroup);
    return page(request, request.state.scaleSetNetwork[lower(scaleSetId)]?.[kind] ?? []);
  };
}

function shareableLinks(request: ArmRequest, [subscriptionId = '', resourceGroup = '', name = '']: string[]): ReturnType<ArmRoute['handle']> {
  const bastionId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/bastionHosts/${name}`;
  const action = 'Microsoft.Network/bastionHosts/getShareableLinks/action';
  if (!isAllowed(request.state, request.claims.oid, action, bastionId)) return authorizationFailed(request, action, bastionId);
  const missing = resourceGroupMissing(request);
  if (missing) return missing;
  const bastion = findResource(request.state, bastionId);
  if (!bastion || lower(bastion.type) !== 'microsoft.network/bastionhosts') return resourceNotFound('Microsoft.Network/bastionHosts', name, resourceGroup);
  // An empty `vms` asks for every link of the host; a continuation (GET of nextLink) carries no body and pages through all of them.
  const wanted = ((request.body as { vms?: Array<{ vm?: { id?: string } }> } | undefined)?.vms ?? []).map((item) => lower(item.vm?.id));
  const links = (request.state.shareableLinks[lower(bastionId)] ?? []).filter((link) => !wanted.length || wanted.includes(lower(link.vmId)));
  return page(
    request,
    links.map((link) => ({
      vm: { id: link.vmId },
      bsl: `https://bst-${stableGuid('bastion', bastionId)}.bastion.azure.com/api/shareable-url/${stableGuid('link', bastionId, link.vmId)}`,
      createdAt: link.createdAt,
      message: '',
    })),
  );
}

export const networkRoutes: ArmRoute[] = [
  { method: 'GET', pattern: routePattern(`${SCALE_SET}/networkInterfaces`), handle: scaleSetList('networkInterfaces', 'Microsoft.Compute/virtualMachineScaleSets/networkInterfaces/read') },
  { method: 'GET', pattern: routePattern(`${SCALE_SET}/publicIPAddresses`), handle: scaleSetList('publicIPAddresses', 'Microsoft.Compute/virtualMachineScaleSets/publicIPAddresses/read') },
  { method: 'POST', pattern: routePattern(`${BASTION}/getShareableLinks`), handle: shareableLinks },
  {
    method: 'GET',
    pattern: routePattern(`${BASTION}/getShareableLinks`),
    // Only a continuation: the action itself is a POST.
    handle: (request, groups) => (request.query.has('$skiptoken') ? shareableLinks(request, groups) : armError(405, 'MethodNotAllowed', 'The requested resource does not support http method \'GET\'.')),
  },
];
