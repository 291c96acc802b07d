/**
 * Scale-set instance NICs and their public IPs: Uniform scale sets keep them
 * under the scale set (`…/virtualMachineScaleSets/<vmss>/virtualMachines/<i>/
 * networkInterfaces/<nic>`), where Resource Graph does not look. ARM omits
 * `type` on these items; the snapshot adds the one their ids imply.
 */
import { captureRawBodies } from '../../http/raw-responses.js';
import { type ArmDetail, type ArmIdParts, type DetailClients, parseArmId } from './detail.js';

const NIC_TYPE = 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces';
const PIP_TYPE = 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces/ipConfigurations/publicIPAddresses';

function itemsOf(bodies: readonly unknown[], type: string): Array<Record<string, unknown>> {
  return bodies.flatMap((body) => ((body as { value?: Array<Record<string, unknown>> }).value ?? []).map((item) => ({ ...item, type: item.type ?? type })));
}

const isUniform = (resource: Record<string, unknown>): boolean =>
  String((resource.properties as { orchestrationMode?: string } | undefined)?.orchestrationMode ?? 'Uniform').toLowerCase() !== 'flexible';

/** One listing per scale set through @azure/arm-network, kept as ARM sent it. */
function scaleSetListing(key: string, name: string, type: string, list: (clients: DetailClients, id: ArmIdParts) => { byPage(): AsyncIterable<unknown> }, read: string): ArmDetail {
  return {
    key,
    name,
    sourceType: 'microsoft.compute/virtualmachinescalesets',
    family: 'genericResources',
    applies: isUniform,
    async collect(resource, clients) {
      const { bodies } = await captureRawBodies(async () => {
        for await (const page of list(clients, parseArmId(String(resource.id))).byPage()) void page;
      });
      return itemsOf(bodies, type);
    },
    deniedFix: `grant Reader on the subscription (${read})`,
  };
}

export const scaleSetNetworkInterfaces = scaleSetListing(
  'scale-set-network-interfaces',
  'scale-set instance network interfaces',
  NIC_TYPE,
  (clients, { subscriptionId, resourceGroup, name }) => clients.network(subscriptionId).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(resourceGroup, name),
  'Microsoft.Network/networkInterfaces/read',
);

export const scaleSetPublicIpAddresses = scaleSetListing(
  'scale-set-public-ip-addresses',
  'scale-set instance public IP addresses',
  PIP_TYPE,
  (clients, { subscriptionId, resourceGroup, name }) => clients.network(subscriptionId).publicIPAddresses.listVirtualMachineScaleSetPublicIPAddresses(resourceGroup, name),
  'Microsoft.Network/publicIPAddresses/read',
);
