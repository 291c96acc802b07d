import { describe, expect, it } from 'vitest';
import {
  applicationGateway,
  ids,
  lbNatPool,
  lbNatRule,
  lbPool,
  loadBalancer,
  lower,
  nic,
  nsg,
  publicIp,
  scaleSet,
  vm,
  vmWithNic,
  vnet,
} from '../helpers/arm.js';
import { exposureOf } from '../helpers/exposure.js';

const ALL_OPEN = [
  { protocol: 'tcp', from: 0, to: 65535 },
  { protocol: 'udp', from: 0, to: 65535 },
  { protocol: 'icmp', from: 0, to: 255 },
];
const allowHttpsFromInternet = { name: 'allow-https', priority: 100, source: 'Internet', ports: '443' };

describe('exposure through a NIC public IP', () => {
  it('a Basic public IP with no NSG on subnet or NIC is open on every port (Azure: Basic IPs are open by default)', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'jump', prefix: '10.0.9.0/24' }]),
      publicIp('pip-jump', 'Basic', '203.0.113.9'),
      ...vmWithNic({ name: 'nic-jump', vm: 'vm-jump', subnet: ['vnet', 'jump'], privateIp: '10.0.9.4', publicIp: 'pip-jump' }),
    ]);
    const asset = exposure.get(lower(ids.vm('vm-jump')));
    expect(asset?.width).toBe('wide');
    expect(asset?.ports).toEqual(ALL_OPEN);
    expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-jump')), lower(ids.nic('nic-jump')), lower(ids.vm('vm-jump'))]);
  });

  it('a Standard public IP with no NSG is closed to inbound traffic (Azure: Standard SKU is secure by default)', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'app', prefix: '10.0.2.0/24' }]),
      publicIp('pip', 'Standard', '203.0.113.10'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'app'], privateIp: '10.0.2.4', publicIp: 'pip' }),
    ]);
    expect(exposure.size).toBe(0);
  });

  it('a Standard public IP is reachable on exactly the ports an NSG allows from the internet', () => {
    const exposure = exposureOf([
      nsg('nsg-web', [allowHttpsFromInternet, { name: 'allow-ssh-partner', priority: 110, source: '198.51.100.0/24', ports: '22' }]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }]),
      publicIp('pip', 'Standard', '203.0.113.11'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
    ]);
    const asset = exposure.get(lower(ids.vm('vm')));
    expect(asset?.ports).toEqual([
      { protocol: 'tcp', from: 22, to: 22 },
      { protocol: 'tcp', from: 443, to: 443 },
    ]);
    expect(asset?.width).toBe('wide');
    expect(asset?.entryPoints[0]?.decidedBy).toEqual(['nsg-web/allow-https', 'nsg-web/allow-ssh-partner']);
  });

  it('only a specific public prefix allowed makes the exposure narrow', () => {
    const exposure = exposureOf([
      nsg('nsg', [{ name: 'partner', priority: 100, source: '198.51.100.0/24', ports: '8080' }]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg' }]),
      publicIp('pip', 'Standard', '203.0.113.12'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
    ]);
    expect(exposure.get(lower(ids.vm('vm')))?.width).toBe('narrow');
  });

  it('a public IP with no ipConfiguration exposes nothing', () => {
    const exposure = exposureOf([publicIp('pip-orphan', 'Basic', '203.0.113.13')]);
    expect(exposure.size).toBe(0);
  });

  it('the public IP is linked from its own ipConfiguration when the NIC export omits it', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'jump', prefix: '10.0.9.0/24' }]),
      publicIp('pip', 'Basic', '203.0.113.14', ids.ipConfig('nic')),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'jump'], privateIp: '10.0.9.4' }),
    ]);
    expect(exposure.get(lower(ids.vm('vm')))?.ports).toEqual(ALL_OPEN);
  });

  it('subnet NSG and NIC NSG must both allow (Azure: inbound traffic is evaluated by the subnet NSG, then the NIC NSG)', () => {
    const exposure = exposureOf([
      nsg('nsg-subnet', [{ name: 'deny-rdp', priority: 100, access: 'Deny', source: '*', ports: '3389' }, allowHttpsFromInternet]),
      nsg('nsg-nic', [{ name: 'allow-rdp', priority: 100, source: '*', ports: '3389' }, allowHttpsFromInternet]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'app', prefix: '10.0.2.0/24', nsg: 'nsg-subnet' }]),
      publicIp('pip', 'Standard', '203.0.113.15'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'app'], privateIp: '10.0.2.4', publicIp: 'pip', nsg: 'nsg-nic' }),
    ]);
    expect(exposure.get(lower(ids.vm('vm')))?.ports).toEqual([{ protocol: 'tcp', from: 443, to: 443 }]);
  });

  it('a destination prefix naming the public IP does not match (Azure: NSGs see the private address after translation)', () => {
    const exposure = exposureOf([
      nsg('nsg', [{ name: 'to-public', priority: 100, source: 'Internet', destination: '203.0.113.16', ports: '443' }]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg' }]),
      publicIp('pip', 'Standard', '203.0.113.16'),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', publicIp: 'pip' }),
    ]);
    expect(exposure.size).toBe(0);
  });
});

describe('exposure through a public load balancer', () => {
  const estate = (nsgRules: Parameters<typeof nsg>[1], lbSpec: Partial<Parameters<typeof loadBalancer>[0]> = {}) => [
    nsg('nsg-web', nsgRules),
    vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }]),
    publicIp('pip-lb', lbSpec.sku ?? 'Standard', '203.0.113.20'),
    loadBalancer({
      name: 'lb',
      publicIp: 'pip-lb',
      pools: ['web'],
      rules: [{ name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 8443, pool: 'web' }],
      natRules: [{ name: 'ssh-web1', protocol: 'Tcp', frontendPort: 50001, backendPort: 22 }],
      ...lbSpec,
    }),
    ...vmWithNic({ name: 'nic-web1', vm: 'web1', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', lbPools: [lbPool('lb', 'web')], natRules: [lbNatRule('lb', 'ssh-web1')] }),
    ...vmWithNic({ name: 'nic-web2', vm: 'web2', subnet: ['vnet', 'web'], privateIp: '10.0.1.5', lbPools: [lbPool('lb', 'web')] }),
  ];

  it('a load-balancing rule exposes the backend port when the backend NSG allows that port from the internet', () => {
    const exposure = exposureOf(estate([{ name: 'allow-8443', priority: 100, source: 'Internet', ports: '8443' }]));
    for (const name of ['web1', 'web2']) {
      const asset = exposure.get(lower(ids.vm(name)));
      expect(asset?.ports).toEqual([{ protocol: 'tcp', from: 8443, to: 8443 }]);
      expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-lb')), lower(ids.lb('lb')), lower(ids.nic(`nic-${name}`)), lower(ids.vm(name))]);
      expect(asset?.entryPoints[0]?.frontendPorts).toEqual({ from: 443, to: 443 });
    }
  });

  it('allowing the frontend port instead of the backend port exposes nothing (the NSG sees the backend port)', () => {
    const exposure = exposureOf(estate([{ name: 'allow-443', priority: 100, source: 'Internet', ports: '443' }]));
    expect(exposure.size).toBe(0);
  });

  it('an AzureLoadBalancer-only allow rule admits health probes, not internet clients', () => {
    const exposure = exposureOf(estate([{ name: 'probes', priority: 100, source: 'AzureLoadBalancer', ports: '*' }]));
    expect(exposure.size).toBe(0);
  });

  it('an inbound NAT rule exposes its backend port on its one target only', () => {
    const exposure = exposureOf(estate([{ name: 'allow-ssh', priority: 100, source: '*', ports: '22' }]));
    expect(exposure.get(lower(ids.vm('web1')))?.ports).toEqual([{ protocol: 'tcp', from: 22, to: 22 }]);
    expect(exposure.has(lower(ids.vm('web2')))).toBe(false);
  });

  it('a Basic load balancer with no NSG on the backends is open on its forwarded ports only', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]),
      publicIp('pip-lb', 'Basic', '203.0.113.21'),
      loadBalancer({ name: 'lb', sku: 'Basic', publicIp: 'pip-lb', pools: ['web'], rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 8080, pool: 'web' }] }),
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4', lbPools: [lbPool('lb', 'web')] }),
    ]);
    expect(exposure.get(lower(ids.vm('vm')))?.ports).toEqual([{ protocol: 'tcp', from: 8080, to: 8080 }]);
  });

  it('an internal load balancer (private frontend) exposes nothing', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'data', prefix: '10.0.3.0/24' }]),
      loadBalancer({ name: 'ilb', privateIp: '10.0.3.10', subnet: ['vnet', 'data'], pools: ['sql'], rules: [{ name: 'sql', protocol: 'Tcp', frontendPort: 1433, backendPort: 1433, pool: 'sql' }] }),
      ...vmWithNic({ name: 'nic', vm: 'db', subnet: ['vnet', 'data'], privateIp: '10.0.3.4', lbPools: [lbPool('ilb', 'sql')] }),
    ]);
    expect(exposure.size).toBe(0);
  });

  it('backend pool membership listed only on the load balancer side is honoured', () => {
    const lb = loadBalancer({ name: 'lb', sku: 'Basic', publicIp: 'pip-lb', pools: ['web'], rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 80, pool: 'web' }] });
    const pools = (lb.properties as { backendAddressPools: Array<{ properties: Record<string, unknown> }> }).backendAddressPools;
    pools[0]!.properties.backendIPConfigurations = [{ id: ids.ipConfig('nic') }];
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]),
      publicIp('pip-lb', 'Basic', '203.0.113.22'),
      lb,
      ...vmWithNic({ name: 'nic', vm: 'vm', subnet: ['vnet', 'web'], privateIp: '10.0.1.4' }),
    ]);
    expect(exposure.get(lower(ids.vm('vm')))?.ports).toEqual([{ protocol: 'tcp', from: 80, to: 80 }]);
  });
});

describe('exposure of scale sets', () => {
  it('a scale set behind a public load balancer is exposed on rule backend ports, and NAT pools only where the NSG allows', () => {
    const exposure = exposureOf([
      nsg('nsg-api', [allowHttpsFromInternet, { name: 'partner-udp', priority: 110, protocol: 'Udp', source: '203.0.113.0/24', ports: '5000-5010' }]),
      vnet('vnet', '10.0.0.0/16', [{ name: 'api', prefix: '10.0.4.0/24', nsg: 'nsg-api' }]),
      publicIp('pip-api', 'Standard', '203.0.113.30'),
      loadBalancer({
        name: 'lb-api',
        publicIp: 'pip-api',
        pools: ['api'],
        rules: [
          { name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 443, pool: 'api' },
          { name: 'udp', protocol: 'Udp', frontendPort: 5000, backendPort: 5005, pool: 'api' },
        ],
        natPools: [{ name: 'ssh', protocol: 'Tcp', start: 50000, end: 50099, backendPort: 22 }],
      }),
      scaleSet({ name: 'vmss-api', subnet: ['vnet', 'api'], lbPools: [lbPool('lb-api', 'api')], natPools: [lbNatPool('lb-api', 'ssh')] }),
    ]);
    const asset = exposure.get(lower(ids.vmss('vmss-api')));
    expect(asset?.kind).toBe('VirtualMachineScaleSet');
    expect(asset?.ports).toEqual([
      { protocol: 'tcp', from: 443, to: 443 },
      { protocol: 'udp', from: 5005, to: 5005 },
    ]);
    expect(asset?.width).toBe('wide');
    expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-api')), lower(ids.lb('lb-api')), lower(ids.vmss('vmss-api'))]);
  });

  it('scale-set instances with Basic public IPs and no NSG are open', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'api', prefix: '10.0.4.0/24' }]),
      scaleSet({ name: 'vmss', subnet: ['vnet', 'api'], publicIpSku: 'Basic' }),
    ]);
    expect(exposure.get(lower(ids.vmss('vmss')))?.ports).toEqual(ALL_OPEN);
  });
});

describe('exposure through an application gateway', () => {
  const estate = (backendRules: Parameters<typeof nsg>[1], gatewayRules?: Parameters<typeof nsg>[1]) => [
    ...(gatewayRules ? [nsg('nsg-agw', gatewayRules)] : []),
    nsg('nsg-web', backendRules),
    vnet('vnet', '10.0.0.0/16', [
      { name: 'agw', prefix: '10.0.1.0/24', ...(gatewayRules ? { nsg: 'nsg-agw' } : {}) },
      { name: 'web', prefix: '10.0.2.0/24', nsg: 'nsg-web' },
    ]),
    publicIp('pip-agw', 'Standard', '203.0.113.40'),
    applicationGateway({ name: 'agw', publicIp: 'pip-agw', subnet: ['vnet', 'agw'], listenerPort: 443, pool: 'web', backendIpConfigurations: [ids.ipConfig('nic-web')], backendPort: 8080 }),
    ...vmWithNic({ name: 'nic-web', vm: 'web', subnet: ['vnet', 'web'], privateIp: '10.0.2.4' }),
  ];

  it('the backend is reachable on the backend port when its NSG admits the gateway subnet (AllowVnetInBound)', () => {
    const exposure = exposureOf(estate([]));
    const asset = exposure.get(lower(ids.vm('web')));
    expect(asset?.ports).toEqual([{ protocol: 'tcp', from: 8080, to: 8080 }]);
    expect(asset?.width).toBe('wide');
    expect(asset?.path).toEqual(['internet', lower(ids.pip('pip-agw')), lower(ids.agw('agw')), lower(ids.nic('nic-web')), lower(ids.vm('web'))]);
  });

  it('a backend NSG denying the gateway subnet cuts the path', () => {
    const exposure = exposureOf(estate([{ name: 'deny-agw', priority: 100, access: 'Deny', source: '10.0.1.0/24', ports: '*' }]));
    expect(exposure.size).toBe(0);
  });

  it('a gateway subnet NSG that admits only a partner prefix makes the exposure narrow', () => {
    const exposure = exposureOf(
      estate([], [
        { name: 'partner', priority: 100, source: '198.51.100.0/24', ports: '443' },
        { name: 'gwm', priority: 110, source: 'GatewayManager', ports: '65200-65535' },
      ]),
    );
    expect(exposure.get(lower(ids.vm('web')))?.width).toBe('narrow');
  });
});

describe('workloads without a way in', () => {
  it('a NIC that belongs to no VM is not reported as a workload', () => {
    const exposure = exposureOf([
      vnet('vnet', '10.0.0.0/16', [{ name: 'a', prefix: '10.0.1.0/24' }]),
      publicIp('pip', 'Basic', '203.0.113.50'),
      nic({ name: 'nic-orphan', subnet: ['vnet', 'a'], privateIp: '10.0.1.4', publicIp: 'pip' }),
      vm('vm-without-public', []),
    ]);
    expect(exposure.size).toBe(0);
  });
});
