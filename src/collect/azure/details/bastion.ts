/**
 * Bastion shareable links: a link lets anyone holding it open the VM's
 * sign-in page from the internet, so which VMs have one is attack surface.
 * The link itself (`bsl`) is a bearer secret and is never written.
 */
import { captureRawBodies } from '../../http/raw-responses.js';
import { type ArmDetail, parseArmId } from './detail.js';

interface ShareableLink {
  vm?: { id?: string };
  createdAt?: string;
  message?: string;
}

export const bastionShareableLinks: ArmDetail = {
  key: 'bastion-shareable-links',
  name: 'Bastion shareable links',
  sourceType: 'microsoft.network/bastionhosts',
  family: 'genericResources',
  applies: (resource) => (resource.properties as { enableShareableLink?: boolean } | undefined)?.enableShareableLink === true,
  async collect(resource, clients) {
    const bastionId = String(resource.id);
    const { subscriptionId, resourceGroup, name } = parseArmId(bastionId);
    const { bodies } = await captureRawBodies(async () => {
      for await (const page of clients.network(subscriptionId).getBastionShareableLink(resourceGroup, name, { vms: [] }).byPage()) void page;
    });
    return bodies.flatMap((body) =>
      ((body as { value?: ShareableLink[] }).value ?? []).map((link) => {
        const vmId = link.vm?.id ?? '';
        const vmName = vmId.split('/').pop() ?? 'unknown';
        return {
          id: `${bastionId}/shareableLinks/${vmName}`,
          name: vmName,
          type: 'Microsoft.Network/bastionHosts/shareableLinks',
          properties: { vm: { id: vmId }, createdAt: link.createdAt ?? null, bastionHost: { id: bastionId } },
        };
      }),
    );
  },
  deniedFix: 'assign the reachgraph custom role (docs/azure/reachgraph-reader-role.json, with Microsoft.Network/bastionHosts/getShareableLinks/action)',
};
