import { describe, it, expect } from 'vitest';
import type { SecurityRule } from '../../src/model/network.js';
import type { NsgLayer, TrafficDestination, TrafficSource } from '../../src/analysis/nsg.js';
import { INTERNET, VM, allow, deny, inbound, nsg, summary, tcpPorts } from './nsg-fixtures.js';

describe('rule order within one NSG', () => {
  it('a lower priority number wins: Allow 100 before Deny 200 admits the port', () => {
    const layer = nsg('nsg', deny('deny-web', 200, { destinationPortRanges: ['80'] }), allow('allow-web', 100, { destinationPortRanges: ['80'] }));
    expect(inbound([layer])).toEqual([
      { protocol: 'tcp', from: 80, to: 80, width: 'wide', decidedBy: ['nsg/allow-web'], sources: ['*'] },
    ]);
  });

  it('a lower priority number wins: Deny 100 before Allow 200 blocks the port', () => {
    const layer = nsg('nsg', allow('allow-web', 200, { destinationPortRanges: ['80'] }), deny('deny-web', 100, { destinationPortRanges: ['80'] }));
    expect(inbound([layer])).toEqual([]);
  });

  it('processing stops at the first matching rule: a later Allow cannot reopen what an earlier Deny closed', () => {
    const layer = nsg(
      'nsg',
      allow('ssh', 100, { destinationPortRanges: ['22'] }),
      deny('deny-rest', 200),
      allow('web', 300, { destinationPortRanges: ['80', '443'] }),
    );
    expect(summary(inbound([layer]))).toEqual(['tcp 22-22 wide']);
  });

  it('outbound rules do not filter inbound traffic', () => {
    const layer = nsg('nsg', allow('out', 100, { direction: 'Outbound', destinationPortRanges: ['80'] }));
    expect(inbound([layer])).toEqual([]);
  });

  it('traffic no rule matches is denied (an NSG without its defaults)', () => {
    const layer: NsgLayer = { id: 'nsg', name: 'nsg', rules: [allow('web', 100, { destinationPortRanges: ['80'] })] };
    expect(summary(inbound([layer]))).toEqual(['tcp 80-80 wide']);
  });
});

describe('default security rules', () => {
  it('DenyAllInBound blocks all internet traffic to an NSG with only default rules', () => {
    expect(inbound([nsg('nsg')])).toEqual([]);
  });

  it('AllowVnetInBound admits virtual-network sources on every port and protocol', () => {
    const source: TrafficSource = { kind: 'network', prefixes: ['10.0.1.0/24'] };
    const decided = { width: 'narrow', decidedBy: ['nsg/AllowVnetInBound'], sources: ['VirtualNetwork'] };
    expect(inbound([nsg('nsg')], source)).toEqual([
      { protocol: 'tcp', from: 0, to: 65535, ...decided },
      { protocol: 'udp', from: 0, to: 65535, ...decided },
      { protocol: 'icmp', from: 0, to: 255, ...decided },
    ]);
  });

  it('AllowVnetInBound does not admit internet sources: an Allow from VirtualNetwork opens nothing to the internet', () => {
    const layer = nsg('nsg', allow('vnet-web', 100, { sourceAddressPrefixes: ['VirtualNetwork'], destinationPortRanges: ['80'] }));
    expect(inbound([layer])).toEqual([]);
  });

  it('AllowAzureLoadBalancerInBound admits health probes only, never internet clients', () => {
    const layer = nsg('nsg', allow('probe', 100, { sourceAddressPrefixes: ['AzureLoadBalancer'], destinationPortRanges: ['80'] }));
    expect(inbound([layer])).toEqual([]);
  });
});

describe('destination ports', () => {
  const open = (ports: string[]) => tcpPorts(inbound([nsg('nsg', allow('r', 100, { destinationPortRanges: ports }))]));

  it("'*' opens every port", () => {
    expect(open(['*'])).toEqual([[0, 65535]]);
  });

  it('a single port opens only that port', () => {
    expect(open(['443'])).toEqual([[443, 443]]);
  });

  it("a range '8000-8100' opens both ends inclusively", () => {
    expect(open(['8000-8100'])).toEqual([[8000, 8100]]);
  });

  it('a list of ports and ranges (destinationPortRanges) opens each of them', () => {
    expect(open(['3389', '22', '8000-8100'])).toEqual([
      [22, 22],
      [3389, 3389],
      [8000, 8100],
    ]);
  });

  it('adjacent ranges of one rule are reported as one range', () => {
    expect(open(['80-89', '90-99'])).toEqual([[80, 99]]);
  });

  it('segments split by a rule that changes nothing admitted are merged back into one range', () => {
    const layer = nsg(
      'nsg',
      deny('deny-partner-1500', 100, { sourceAddressPrefixes: ['198.51.100.0/24'], destinationPortRanges: ['1500'] }),
      allow('app', 200, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['1000-2000'] }),
    );
    expect(inbound([layer])).toEqual([
      { protocol: 'tcp', from: 1000, to: 2000, width: 'wide', decidedBy: ['nsg/app'], sources: ['Internet'] },
    ]);
  });

  it('invalid port text throws an error naming the NSG, the rule and the value', () => {
    const layer = nsg('web-nsg', allow('bad-ports', 100, { destinationPortRanges: ['8100-8000'] }));
    expect(() => inbound([layer])).toThrow(/NSG 'web-nsg'.*rule 'bad-ports'.*'8100-8000'/);
  });

  it('an invalid CIDR throws an error naming the NSG, the rule and the value', () => {
    const layer = nsg('web-nsg', allow('bad-cidr', 100, { sourceAddressPrefixes: ['10.0.0.0/33'] }));
    expect(() => inbound([layer])).toThrow(/NSG 'web-nsg'.*rule 'bad-cidr'.*'10\.0\.0\.0\/33'/);
  });
});

describe('protocols', () => {
  const only = (input: Partial<SecurityRule>) => summary(inbound([nsg('nsg', allow('r', 100, input))]));

  it('a Udp rule opens udp but not tcp', () => {
    expect(only({ protocol: 'udp', destinationPortRanges: ['53'] })).toEqual(['udp 53-53 wide']);
  });

  it('a Tcp rule opens tcp but not udp', () => {
    expect(only({ protocol: 'tcp', destinationPortRanges: ['53'] })).toEqual(['tcp 53-53 wide']);
  });

  it("protocol '*' opens tcp, udp and icmp; icmp is reported as 0-255 since NSGs do not filter ICMP types", () => {
    expect(only({ protocol: '*' })).toEqual(['tcp 0-65535 wide', 'udp 0-65535 wide', 'icmp 0-255 wide']);
  });

  it('an Icmp rule opens icmp only', () => {
    expect(only({ protocol: 'icmp' })).toEqual(['icmp 0-255 wide']);
  });

  it("ICMP has no ports: a '*' protocol rule on port 80 opens tcp/udp 80 but not icmp", () => {
    expect(only({ protocol: '*', destinationPortRanges: ['80'] })).toEqual(['tcp 80-80 wide', 'udp 80-80 wide']);
  });

  it('Esp and Ah rules never open tcp, udp or icmp', () => {
    expect(only({ protocol: 'esp' })).toEqual([]);
    expect(only({ protocol: 'ah' })).toEqual([]);
  });
});

describe('source prefixes (internet clients)', () => {
  const web = (input: Partial<SecurityRule>) => nsg('nsg', allow('web', 100, { destinationPortRanges: ['443'], ...input }));

  it.each(['*', 'Any', 'Internet', 'internet', '0.0.0.0/0'])('%s admits the whole internet (wide)', (prefix) => {
    expect(inbound([web({ sourceAddressPrefixes: [prefix] })])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'wide', decidedBy: ['nsg/web'], sources: [prefix] },
    ]);
  });

  it('::/0 admits the whole IPv6 internet (wide) to a NIC with an IPv6 address', () => {
    const dualStack: TrafficDestination = { addresses: ['10.0.0.4', 'fd00::4'], applicationSecurityGroupIds: [] };
    expect(inbound([web({ sourceAddressPrefixes: ['::/0'] })], INTERNET, dualStack)).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'wide', decidedBy: ['nsg/web'], sources: ['::/0'] },
    ]);
  });

  it('IPv6 sources cannot reach an IPv4-only NIC: a packet has one address family', () => {
    expect(inbound([web({ sourceAddressPrefixes: ['::/0'] })])).toEqual([]);
  });

  it('specific public CIDRs and IPs admit only those clients (narrow)', () => {
    expect(inbound([web({ sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7'] })])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'narrow', decidedBy: ['nsg/web'], sources: ['198.51.100.7', '203.0.113.0/24'] },
    ]);
  });

  it('an IPv6 CIDR source admits those IPv6 clients (narrow)', () => {
    const v6: TrafficDestination = { addresses: ['fd00::4'], applicationSecurityGroupIds: [] };
    expect(summary(inbound([web({ sourceAddressPrefixes: ['2001:db8::/32'] })], INTERNET, v6))).toEqual(['tcp 443-443 narrow']);
  });

  it.each([['10.0.0.0/8'], ['172.16.0.0/12', '192.168.0.0/16'], ['fd00::/8']])(
    'private-only sources %j are not reachable from the internet',
    (...prefixes) => {
      const dualStack: TrafficDestination = { addresses: ['10.0.0.4', 'fd00::4'], applicationSecurityGroupIds: [] };
      expect(inbound([web({ sourceAddressPrefixes: prefixes })], INTERNET, dualStack)).toEqual([]);
    },
  );

  it('a service tag admits only that service (narrow)', () => {
    expect(inbound([web({ sourceAddressPrefixes: ['AzureFrontDoor.Backend'] })])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'narrow', decidedBy: ['nsg/web'], sources: ['AzureFrontDoor.Backend'] },
    ]);
  });

  it('a Deny of a specific CIDR before an Allow from Internet excludes only that CIDR: still wide', () => {
    const layer = nsg(
      'nsg',
      deny('deny-bad', 100, { sourceAddressPrefixes: ['203.0.113.0/24'], destinationPortRanges: ['443'] }),
      allow('web', 200, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['443'] }),
    );
    expect(inbound([layer])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'wide', decidedBy: ['nsg/web'], sources: ['Internet'] },
    ]);
  });

  it('an Allow of a CIDR before a Deny of everything admits only that CIDR: narrow', () => {
    const layer = nsg(
      'nsg',
      allow('office', 100, { sourceAddressPrefixes: ['203.0.113.0/24'], destinationPortRanges: ['22'] }),
      deny('deny-all', 200, { protocol: '*' }),
    );
    expect(inbound([layer])).toEqual([
      { protocol: 'tcp', from: 22, to: 22, width: 'narrow', decidedBy: ['nsg/office'], sources: ['203.0.113.0/24'] },
    ]);
  });

  it('a Deny of a service tag before an Allow from Internet leaves the rest of the internet admitted: wide', () => {
    const layer = nsg(
      'nsg',
      deny('deny-storage', 100, { sourceAddressPrefixes: ['Storage'] }),
      allow('web', 200, { sourceAddressPrefixes: ['*'], destinationPortRanges: ['80'] }),
    );
    expect(summary(inbound([layer]))).toEqual(['tcp 80-80 wide']);
  });

  it('a Deny of the whole internet CIDR-wise (0.0.0.0/0) leaves no IPv4 client, not even a service tag', () => {
    const layer = nsg('nsg', deny('deny-v4', 100, { sourceAddressPrefixes: ['0.0.0.0/0'] }), allow('fd', 200, { sourceAddressPrefixes: ['AzureFrontDoor.Backend'] }));
    expect(inbound([layer])).toEqual([]);
  });

  it('source application security groups never match internet clients', () => {
    const layer = nsg('nsg', allow('asg', 100, { sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: ['/asg/web'] }));
    expect(inbound([layer])).toEqual([]);
  });

  it('a rule naming Internet and a CIDR admits the whole internet (wide, named Internet)', () => {
    expect(inbound([web({ sourceAddressPrefixes: ['203.0.113.0/24', 'Internet'] })])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'wide', decidedBy: ['nsg/web'], sources: ['Internet'] },
    ]);
  });

  it("'Internet' matches only internet sources while '*' also matches the virtual network", () => {
    const vnet: TrafficSource = { kind: 'network', prefixes: ['10.0.1.0/24'] };
    const denyInternet = nsg('nsg', deny('deny-internet', 100, { protocol: '*', sourceAddressPrefixes: ['Internet'] }));
    const denyAny = nsg('nsg', deny('deny-any', 100, { protocol: '*', sourceAddressPrefixes: ['*'] }));
    expect(inbound([denyInternet], vnet)).toHaveLength(3);
    expect(inbound([denyAny], vnet)).toEqual([]);
  });
});

describe('destination prefixes (matched against the private address)', () => {
  const to = (destinationAddressPrefixes: string[], destination: TrafficDestination = VM) =>
    summary(inbound([nsg('nsg', allow('web', 100, { destinationAddressPrefixes, destinationPortRanges: ['80'] }))], INTERNET, destination));

  it("the NIC's private IP matches", () => {
    expect(to(['10.0.0.4'])).toEqual(['tcp 80-80 wide']);
  });

  it("the NIC's public IP does not match: NSGs see inbound traffic after translation to the private IP", () => {
    expect(to(['20.50.1.2'])).toEqual([]);
  });

  it('VirtualNetwork matches a NIC in the virtual network', () => {
    expect(to(['VirtualNetwork'])).toEqual(['tcp 80-80 wide']);
  });

  it('a CIDR containing the private IP matches, one not containing it does not', () => {
    expect(to(['10.0.0.0/24'])).toEqual(['tcp 80-80 wide']);
    expect(to(['10.0.1.0/24'])).toEqual([]);
  });

  it("'Internet', 'AzureLoadBalancer' and service tags never contain a private destination", () => {
    expect(to(['Internet', 'AzureLoadBalancer', 'Storage'])).toEqual([]);
  });

  it('an IPv6 destination CIDR does not match an IPv4 NIC', () => {
    expect(to(['::/0'])).toEqual([]);
  });

  it("on a dual-stack NIC a rule for the IPv4 address admits IPv4 clients, not IPv6 ones", () => {
    const dualStack: TrafficDestination = { addresses: ['10.0.0.4', 'fd00::4'], applicationSecurityGroupIds: [] };
    const layer = nsg('nsg', allow('web', 100, { sourceAddressPrefixes: ['0.0.0.0/0', '::/0'], destinationAddressPrefixes: ['10.0.0.4'], destinationPortRanges: ['80'] }));
    expect(inbound([layer], INTERNET, dualStack)[0]?.sources).toEqual(['0.0.0.0/0']);
  });

  it('a scale set subnet destination matches a rule CIDR that overlaps it (deliberate over-approximation)', () => {
    const subnet: TrafficDestination = { addresses: ['10.0.2.0/24'], applicationSecurityGroupIds: [] };
    expect(to(['10.0.2.10'], subnet)).toEqual(['tcp 80-80 wide']);
    expect(to(['10.0.3.0/24'], subnet)).toEqual([]);
  });

  it('a destination application security group matches only NICs that are members of it', () => {
    const layer = nsg('nsg', allow('web', 100, { destinationAddressPrefixes: [], destinationApplicationSecurityGroupIds: ['/asg/web'], destinationPortRanges: ['80'] }));
    const member: TrafficDestination = { addresses: ['10.0.0.4'], applicationSecurityGroupIds: ['/asg/web'] };
    const other: TrafficDestination = { addresses: ['10.0.0.4'], applicationSecurityGroupIds: ['/asg/db'] };
    expect(summary(inbound([layer], INTERNET, member))).toEqual(['tcp 80-80 wide']);
    expect(inbound([layer], INTERNET, other)).toEqual([]);
  });
});

describe('source ports (clients choose them)', () => {
  it('a Deny limited to some source ports does not close the port to a client using another source port', () => {
    const layer = nsg(
      'nsg',
      deny('deny-from-sp-1024', 100, { sourcePortRanges: ['1024-2048'], destinationPortRanges: ['443'] }),
      allow('https', 200, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['443'] }),
    );
    expect(tcpPorts(inbound([layer]))).toEqual([[443, 443]]);
  });

  it('a Deny on every source port (`*`, 0-65535) closes the port', () => {
    const layer = nsg(
      'nsg',
      deny('deny-all-sp', 100, { sourcePortRanges: ['0-65535'], destinationPortRanges: ['443'] }),
      allow('https', 200, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['443'] }),
    );
    expect(tcpPorts(inbound([layer]))).toEqual([]);
  });

  it('an Allow limited to some source ports still admits a client that picks them', () => {
    const layer = nsg('nsg', allow('https-from-sp', 100, { sourcePortRanges: ['50000'], destinationPortRanges: ['443'] }));
    expect(tcpPorts(inbound([layer]))).toEqual([[443, 443]]);
  });
});
