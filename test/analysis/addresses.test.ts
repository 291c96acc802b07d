import { describe, it, expect } from 'vitest';
import { PUBLIC_INTERNET, classifyPrefix, isAnyInternet, parseCidr } from '../../src/analysis/addresses.js';

describe('address prefix classification', () => {
  it('recognises keywords case-insensitively', () => {
    expect(['*', 'ANY', 'Internet', 'virtualnetwork', 'AzureLoadBalancer'].map((p) => classifyPrefix(p).kind)).toEqual([
      'any',
      'any',
      'internet',
      'virtual-network',
      'load-balancer',
    ]);
  });

  it('treats other names, including dotted regional tags, as opaque service tags', () => {
    expect(['AzureCloud.WestEurope', 'GatewayManager', 'constructor'].map((p) => classifyPrefix(p).kind)).toEqual([
      'service-tag',
      'service-tag',
      'service-tag',
    ]);
  });

  it('counts only *, Any, Internet, 0.0.0.0/0 and ::/0 as the whole internet', () => {
    const any = ['*', 'Any', 'Internet', '0.0.0.0/0', '::/0', 'VirtualNetwork', '1.0.0.0/1', 'AzureCloud'].map((p) =>
      isAnyInternet(classifyPrefix(p)),
    );
    expect(any).toEqual([true, true, true, true, true, false, false, false]);
  });

  it.each(['10.0.0.0/33', '300.1.2.3', '10.0.0', '2001:db8::/129', '', 'foo bar'])('rejects %j naming the text', (prefix) => {
    expect(() => classifyPrefix(prefix)).toThrow(`'${prefix}'`);
  });
});

describe('parseCidr', () => {
  it('reads a bare IPv4 address as a /32 and a bare IPv6 address as a /128', () => {
    expect(parseCidr('10.0.0.4')).toEqual({ family: 4, start: 0x0a000004n, end: 0x0a000004n, prefixLength: 32 });
    expect(parseCidr('2001:db8::1')).toMatchObject({ family: 6, prefixLength: 128 });
  });

  it('spans the whole block of a CIDR, ignoring host bits', () => {
    expect(parseCidr('10.1.2.3/16')).toEqual({ family: 4, start: 0x0a010000n, end: 0x0a01ffffn, prefixLength: 16 });
    const v6 = parseCidr('2001:db8::/32');
    expect(v6.end - v6.start + 1n).toBe(1n << 96n);
  });
});

describe('public internet address space', () => {
  const isPublic = (ip: string) => {
    const { family, start } = parseCidr(ip);
    return PUBLIC_INTERNET.some((range) => range.family === family && range.start <= start && start <= range.end);
  };

  it('excludes private, shared, loopback, link-local, multicast and reserved IPv4', () => {
    const nonPublic = ['0.1.2.3', '10.1.1.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '172.16.0.1', '192.168.1.1', '224.0.0.1', '255.255.255.255'];
    expect(nonPublic.filter(isPublic)).toEqual([]);
  });

  it('includes ordinary public IPv4 and global unicast IPv6, not unique-local IPv6', () => {
    expect(['8.8.8.8', '100.63.255.255', '172.32.0.1', '203.0.113.9', '2001:db8::1', 'fd00::1', '::1'].map(isPublic)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
