import { describe, it, expect } from 'vitest';
import { evaluateInbound, type AdmittedRange, type TrafficSource } from '../../src/analysis/nsg.js';
import { BASIC, INTERNET, STANDARD, VM, allow, deny, inbound, nsg, summary, tcpPorts } from './nsg-fixtures.js';

describe('subnet NSG and NIC NSG together', () => {
  const allowWeb = (nsgName: string, ports = ['80']) => nsg(nsgName, allow('web', 100, { destinationPortRanges: ports }));

  it('inbound traffic must be allowed by the subnet NSG and then the NIC NSG', () => {
    expect(inbound([allowWeb('subnet'), allowWeb('nic')])).toEqual([
      { protocol: 'tcp', from: 80, to: 80, width: 'wide', decidedBy: ['nic/web', 'subnet/web'], sources: ['*'] },
    ]);
  });

  it('a subnet NSG deny stops traffic even though the NIC NSG allows it', () => {
    expect(inbound([nsg('subnet'), allowWeb('nic')])).toEqual([]);
  });

  it('a NIC NSG deny stops traffic even though the subnet NSG allows it', () => {
    expect(inbound([allowWeb('subnet'), nsg('nic')])).toEqual([]);
  });

  it('only the ports both NSGs allow are open', () => {
    expect(tcpPorts(inbound([allowWeb('subnet', ['80-443']), allowWeb('nic', ['443-8443'])]))).toEqual([[443, 443]]);
  });

  it('only a subnet NSG or only a NIC NSG: that NSG alone decides', () => {
    expect(summary(inbound([allowWeb('subnet')]))).toEqual(['tcp 80-80 wide']);
    expect(summary(inbound([allowWeb('nic')]))).toEqual(['tcp 80-80 wide']);
  });

  it('the admitted sources are the intersection: Internet in the subnet NSG and a CIDR in the NIC NSG is narrow', () => {
    const subnet = nsg('subnet', allow('web', 100, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['443'] }));
    const nic = nsg('nic', allow('office', 100, { sourceAddressPrefixes: ['203.0.113.0/24'], destinationPortRanges: ['443'] }));
    expect(inbound([subnet, nic])).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'narrow', decidedBy: ['nic/office', 'subnet/web'], sources: ['203.0.113.0/24'] },
    ]);
  });

  it('disjoint source allowances admit nothing: each NSG admits clients the other denies', () => {
    const subnet = nsg('subnet', allow('a', 100, { sourceAddressPrefixes: ['203.0.113.0/24'] }));
    const nic = nsg('nic', allow('b', 100, { sourceAddressPrefixes: ['198.51.100.0/24', 'AzureFrontDoor.Backend'] }));
    expect(inbound([subnet, nic])).toEqual([]);
  });

  it('no NSG at all: everything is open with a Basic public IP or from the virtual network', () => {
    const open = { width: 'wide', decidedBy: [], sources: ['*'] };
    expect(evaluateInbound([], INTERNET, VM, BASIC)).toEqual([
      { protocol: 'tcp', from: 0, to: 65535, ...open },
      { protocol: 'udp', from: 0, to: 65535, ...open },
      { protocol: 'icmp', from: 0, to: 255, ...open },
    ]);
  });

  it('no NSG at all: a Standard public IP is secure by default and admits nothing', () => {
    expect(evaluateInbound([], INTERNET, VM, STANDARD)).toEqual([]);
  });
});

describe("Microsoft's worked example (How network security groups filter network traffic)", () => {
  const allow80 = (name: string) => nsg(name, allow('Allow-80', 100, { sourceAddressPrefixes: ['Internet'], destinationPortRanges: ['80'] }));
  const port80 = [{ protocol: 'tcp', from: 80, to: 80, width: 'wide', sources: ['Internet'] }];
  const view = (ranges: AdmittedRange[]) => ranges.map(({ decidedBy: _, ...rest }) => rest);

  it('VM1: NSG1 without an allow rule denies port 80 by DenyAllInbound; NSG2 never sees it', () => {
    expect(inbound([nsg('NSG1'), allow80('NSG2')])).toEqual([]);
  });

  it('VM1: NSG1 allows port 80 but NSG2 does not: denied', () => {
    expect(inbound([allow80('NSG1'), nsg('NSG2')])).toEqual([]);
  });

  it('VM1: both NSG1 and NSG2 allow port 80 from the internet: port 80 is open', () => {
    const ranges = inbound([allow80('NSG1'), allow80('NSG2')]);
    expect(view(ranges)).toEqual(port80);
    expect(ranges[0]?.decidedBy).toEqual(['NSG1/Allow-80', 'NSG2/Allow-80']);
  });

  it('VM2: only NSG1 on Subnet1 applies: VM2 receives exactly what NSG1 allows', () => {
    expect(view(inbound([allow80('NSG1')]))).toEqual(port80);
  });

  it('VM3: Subnet2 has no NSG, so NSG2 on the NIC decides', () => {
    expect(view(inbound([allow80('NSG2')]))).toEqual(port80);
    expect(inbound([nsg('NSG2')])).toEqual([]);
  });

  it('VM4: no NSG on Subnet3 or the NIC, Standard public IP: all inbound traffic is blocked', () => {
    expect(evaluateInbound([], INTERNET, VM, STANDARD)).toEqual([]);
  });
});

describe('virtual-network sources (e.g. an application gateway subnet)', () => {
  const appGateway: TrafficSource = { kind: 'network', prefixes: ['10.0.1.0/24'] };

  it('the application gateway subnet 10.0.1.0/24 reaches a backend through AllowVnetInBound in both NSGs', () => {
    const ranges = inbound([nsg('subnet'), nsg('nic')], appGateway);
    expect(summary(ranges)).toEqual(['tcp 0-65535 narrow', 'udp 0-65535 narrow', 'icmp 0-255 narrow']);
    expect(ranges[0]?.decidedBy).toEqual(['nic/AllowVnetInBound', 'subnet/AllowVnetInBound']);
  });

  it('an Allow of the gateway subnet before a Deny of VirtualNetwork admits the gateway on that port only', () => {
    const layer = nsg(
      'nsg',
      allow('from-gateway', 100, { sourceAddressPrefixes: ['10.0.1.0/24'], destinationPortRanges: ['443'] }),
      deny('deny-vnet', 200, { protocol: '*', sourceAddressPrefixes: ['VirtualNetwork'] }),
    );
    expect(inbound([layer], appGateway)).toEqual([
      { protocol: 'tcp', from: 443, to: 443, width: 'narrow', decidedBy: ['nsg/from-gateway'], sources: ['10.0.1.0/24'] },
    ]);
    expect(inbound([layer], { kind: 'network', prefixes: ['10.0.3.0/24'] })).toEqual([]);
  });

  it('an Allow from Internet or a service tag does not admit virtual-network sources', () => {
    const layer = nsg(
      'nsg',
      allow('internet', 100, { sourceAddressPrefixes: ['Internet', 'AzureFrontDoor.Backend'], destinationPortRanges: ['443'] }),
      deny('deny-vnet', 200, { protocol: '*', sourceAddressPrefixes: ['VirtualNetwork'] }),
    );
    expect(inbound([layer], appGateway)).toEqual([]);
  });
});

describe('evaluator purity', () => {
  it('every call returns fresh results: mutating one does not affect the next evaluation', () => {
    const layer = nsg('nsg', allow('web', 100, { destinationPortRanges: ['80'] }));
    const first = inbound([layer]);
    first[0]!.sources.push('tampered');
    first[0]!.to = 9999;
    expect(inbound([layer])).toEqual([
      { protocol: 'tcp', from: 80, to: 80, width: 'wide', decidedBy: ['nsg/web'], sources: ['*'] },
    ]);
  });

  it('the same NSG evaluated for different NICs gives each NIC its own answer', () => {
    const layer = nsg('nsg', allow('to-web', 100, { destinationAddressPrefixes: ['10.0.0.4'], destinationPortRanges: ['443'] }));
    const other = { addresses: ['10.0.0.5'], applicationSecurityGroupIds: [] };
    expect(summary(inbound([layer], INTERNET, VM))).toEqual(['tcp 443-443 wide']);
    expect(inbound([layer], INTERNET, other)).toEqual([]);
    expect(summary(inbound([layer], INTERNET, VM))).toEqual(['tcp 443-443 wide']);
  });
});
