/**
 * The instance NICs and public IPs of Uniform scale sets, derived from each
 * scale set's capacity and network profile the way the Compute and Network
 * resource providers materialise them: `…/virtualMachines/<i>/networkInterfaces/
 * <nic config>` with `…/ipConfigurations/<ip config>/publicIPAddresses/<name>`,
 * inbound NAT pools expanded to `<pool>.<i>` rules. Addresses come from the
 * Kubernetes nodes of the same instances when known (AKS node pools), else the
 * next free ones of the subnet (Azure keeps the first four). Items carry no
 * `type` and no `location`, as these list calls answer.
 */
import { type FakeAzureState, lower, stableGuid } from './state.js';

type Json = Record<string, unknown>;

export interface InstanceAddresses {
  internal?: string;
  external?: string;
}

const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asObject) : []);
const refs = (value: unknown): Array<{ id: string }> => asArray(value).map((item) => ({ id: String(item.id) }));

const toNumber = (ip: string): number => ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
const toIp = (value: number): string => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');

/** Hands out free addresses: per subnet from its fifth address, and public ones from 192.0.2.200. */
class Addresses {
  private readonly taken = new Set<string>();
  private readonly prefixes = new Map<string, string>();
  private nextPublic = toNumber('192.0.2.200');

  constructor(resources: readonly Json[], known: Iterable<InstanceAddresses>) {
    for (const resource of resources) {
      const properties = asObject(resource.properties);
      for (const subnet of asArray(properties.subnets)) {
        const subnetProperties = asObject(subnet.properties);
        const prefix = subnetProperties.addressPrefix ?? (subnetProperties.addressPrefixes as unknown[] | undefined)?.[0];
        if (typeof prefix === 'string') this.prefixes.set(lower(subnet.id), prefix);
      }
      for (const config of [...asArray(properties.ipConfigurations), ...asArray(properties.frontendIPConfigurations)]) {
        const address = asObject(config.properties).privateIPAddress;
        if (typeof address === 'string') this.taken.add(address);
      }
      if (typeof properties.ipAddress === 'string') this.taken.add(properties.ipAddress);
    }
    for (const address of known) for (const ip of [address.internal, address.external]) if (ip) this.taken.add(ip);
  }

  inSubnet(subnetId: string): string {
    const prefix = this.prefixes.get(lower(subnetId)) ?? '10.255.0.0/16';
    let candidate = toNumber(prefix.split('/')[0] as string) + 4;
    while (this.taken.has(toIp(candidate))) candidate += 1;
    this.taken.add(toIp(candidate));
    return toIp(candidate);
  }

  publicAddress(): string {
    while (this.taken.has(toIp(this.nextPublic))) this.nextPublic += 1;
    this.taken.add(toIp(this.nextPublic));
    return toIp(this.nextPublic);
  }
}

const macAddress = (id: string): string => `00-0D-3A-${stableGuid('mac', id).replace(/-/g, '').slice(0, 6).toUpperCase().match(/../g)?.join('-')}`;

/**
 * The network of every Uniform scale set among `resources`, by lowercased
 * scale set id. `instances` gives known addresses by lowercased instance id
 * (`…/virtualMachineScaleSets/<vmss>/virtualMachines/<i>`).
 */
export function deriveScaleSetNetwork(resources: readonly Json[], instances: ReadonlyMap<string, InstanceAddresses> = new Map()): FakeAzureState['scaleSetNetwork'] {
  const addresses = new Addresses(resources, instances.values());
  const network: FakeAzureState['scaleSetNetwork'] = {};
  for (const scaleSet of resources) {
    if (lower(scaleSet.type) !== 'microsoft.compute/virtualmachinescalesets') continue;
    const properties = asObject(scaleSet.properties);
    if (lower(properties.orchestrationMode) === 'flexible') continue;
    const scaleSetId = String(scaleSet.id);
    const capacity = Number(asObject(scaleSet.sku).capacity ?? 0);
    const nicConfigurations = asArray(asObject(asObject(properties.virtualMachineProfile).networkProfile).networkInterfaceConfigurations);
    const networkInterfaces: Json[] = [];
    const publicIPAddresses: Json[] = [];
    for (let instance = 0; instance < capacity; instance += 1) {
      const vmId = `${scaleSetId}/virtualMachines/${instance}`;
      const known = instances.get(lower(vmId)) ?? {};
      for (const nicConfiguration of nicConfigurations) {
        const nicName = String(nicConfiguration.name);
        const nicId = `${vmId}/networkInterfaces/${nicName}`;
        const nicProperties = asObject(nicConfiguration.properties);
        const ipConfigurations = asArray(nicProperties.ipConfigurations).map((ipConfiguration) => {
          const ipName = String(ipConfiguration.name);
          const ipId = `${nicId}/ipConfigurations/${ipName}`;
          const ipProperties = asObject(ipConfiguration.properties);
          const subnetId = String(asObject(ipProperties.subnet).id);
          const primary = nicProperties.primary === true && ipProperties.primary === true;
          const publicConfiguration = ipProperties.publicIPAddressConfiguration ? asObject(ipProperties.publicIPAddressConfiguration) : undefined;
          let publicIpId: string | undefined;
          if (publicConfiguration) {
            const publicName = String(publicConfiguration.name);
            publicIpId = `${ipId}/publicIPAddresses/${publicName}`;
            const publicProperties = asObject(publicConfiguration.properties);
            const sku = publicConfiguration.sku ? asObject(publicConfiguration.sku) : undefined;
            publicIPAddresses.push({
              name: publicName,
              id: publicIpId,
              etag: `W/"${stableGuid('etag', publicIpId)}"`,
              ...(sku ? { sku } : {}),
              properties: {
                provisioningState: 'Succeeded',
                ipAddress: (primary && known.external) || addresses.publicAddress(),
                publicIPAddressVersion: publicProperties.publicIPAddressVersion ?? 'IPv4',
                publicIPAllocationMethod: lower(sku?.name) === 'standard' ? 'Static' : 'Dynamic',
                idleTimeoutInMinutes: publicProperties.idleTimeoutInMinutes ?? 4,
                ipTags: publicProperties.ipTags ?? [],
                ipConfiguration: { id: ipId },
              },
            });
          }
          return {
            name: ipName,
            id: ipId,
            etag: `W/"${stableGuid('etag', nicId)}"`,
            properties: {
              provisioningState: 'Succeeded',
              privateIPAddress: (primary && known.internal) || addresses.inSubnet(subnetId),
              privateIPAllocationMethod: 'Dynamic',
              subnet: { id: subnetId },
              primary: ipProperties.primary === true,
              privateIPAddressVersion: ipProperties.privateIPAddressVersion ?? 'IPv4',
              loadBalancerBackendAddressPools: refs(ipProperties.loadBalancerBackendAddressPools),
              loadBalancerInboundNatRules: refs(ipProperties.loadBalancerInboundNatPools).map(({ id }) => ({ id: `${id.replace(/\/inboundNatPools\//i, '/inboundNatRules/')}.${instance}` })),
              ...(ipProperties.applicationGatewayBackendAddressPools ? { applicationGatewayBackendAddressPools: refs(ipProperties.applicationGatewayBackendAddressPools) } : {}),
              ...(ipProperties.applicationSecurityGroups ? { applicationSecurityGroups: refs(ipProperties.applicationSecurityGroups) } : {}),
              ...(publicIpId ? { publicIPAddress: { id: publicIpId } } : {}),
            },
          };
        });
        networkInterfaces.push({
          name: nicName,
          id: nicId,
          etag: `W/"${stableGuid('etag', nicId)}"`,
          properties: {
            provisioningState: 'Succeeded',
            resourceGuid: stableGuid('nic', nicId),
            virtualMachine: { id: vmId },
            ipConfigurations,
            dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: `${stableGuid('dns', scaleSetId).slice(0, 8)}.ax.internal.cloudapp.net` },
            macAddress: macAddress(nicId),
            enableAcceleratedNetworking: nicProperties.enableAcceleratedNetworking === true,
            enableIPForwarding: nicProperties.enableIPForwarding === true,
            ...(nicProperties.networkSecurityGroup ? { networkSecurityGroup: { id: String(asObject(nicProperties.networkSecurityGroup).id) } } : {}),
            primary: nicProperties.primary === true,
          },
        });
      }
    }
    network[lower(scaleSetId)] = { networkInterfaces, publicIPAddresses };
  }
  return network;
}
