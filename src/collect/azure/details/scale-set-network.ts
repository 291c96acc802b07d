/**
 * Scale-set instance NICs and their public IPs: Uniform scale sets keep them
 * under the scale set (`…/virtualMachineScaleSets/<vmss>/virtualMachines/<i>/
 * networkInterfaces/<nic>`), where Resource Graph does not look. ARM omits
 * `type` on these items; the snapshot adds the one their ids imply.
 */
import { captureRawBodies } from '../../http/raw-responses.js';
import { type ArmDetail, parseArmId } from './detail.js';

const NIC_TYPE = 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces';
const PIP_TYPE = 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces/ipConfigurations/publicIPAddresses';

function itemsOf(bodies: readonly unknown[], type: string): Array<Record<string, unknown>> {
  return bodies.flatMap((body) => ((body as { value?: Array<Record<string, unknown>> }).value ?? []).map((item) => ({ ...item, type: item.type ?? type })));
}

const isUniform = (resource: Record<string, unknown>): boolean =>
  String((resource.properties as { orchestrationMode?: string } | undefined)?.orchestrationMode ?? 'Uniform').toLowerCase() !== 'flexible';

export const scaleSetNetworkInterfaces: ArmDetail = {
  key: 'scale-set-network-interfaces',
  name: 'scale-set instance network interfaces',
  sourceType: 'microsoft.compute/virtualmachinescalesets',
  family: 'genericResources',
  applies: isUniform,
  async collect(resource, clients) {
    const { subscriptionId, resourceGroup, name } = parseArmId(String(resource.id));
    const { bodies } = await captureRawBodies(async () => {
      for await (const page of clients.network(subscriptionId).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(resourceGroup, name).byPage()) void page;
    });
    return itemsOf(bodies, NIC_TYPE);
  },
  deniedFix: 'grant Reader on the subscription (Microsoft.Network/networkInterfaces/read)',
};

export const scaleSetPublicIpAddresses: ArmDetail = {
  key: 'scale-set-public-ip-addresses',
  name: 'scale-set instance public IP addresses',
  sourceType: 'microsoft.compute/virtualmachinescalesets',
  family: 'genericResources',
  applies: isUniform,
  async collect(resource, clients) {
    const { subscriptionId, resourceGroup, name } = parseArmId(String(resource.id));
    const { bodies } = await captureRawBodies(async () => {
      for await (const page of clients.network(subscriptionId).publicIPAddresses.listVirtualMachineScaleSetPublicIPAddresses(resourceGroup, name).byPage()) void page;
    });
    return itemsOf(bodies, PIP_TYPE);
  },
  deniedFix: 'grant Reader on the subscription (Microsoft.Network/publicIPAddresses/read)',
};
