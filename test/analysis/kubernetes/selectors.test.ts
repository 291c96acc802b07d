import { describe, expect, it } from 'vitest';
import { ANY_CLIENT, clientsFromIpBlock, clientsFromPrefixes, intersectClients, isEmptyClientSet } from '../../../src/analysis/kubernetes/client-sets.js';
import { policyPortMatches, resolveTargetPort } from '../../../src/analysis/kubernetes/ports.js';
import { matchesSelector } from '../../../src/analysis/kubernetes/selectors.js';
import type { PodView } from '../../../src/analysis/kubernetes/view.js';
import { container, policyPort, selector } from '../../helpers/kubernetes-graph.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  it('an empty selector matches every pod; matchLabels must all match', () => {
    expect(matchesSelector(selector(), {})).toBe(true);
    expect(matchesSelector(selector({ app: 'web' }), labels)).toBe(true);
    expect(matchesSelector(selector({ app: 'web', tier: 'back' }), labels)).toBe(false);
  });

  it.each([
    ['In', 'tier', ['front', 'edge'], true],
    ['In', 'zone', ['a'], false],
    ['NotIn', 'tier', ['back'], true],
    ['NotIn', 'tier', ['front'], false],
    ['NotIn', 'zone', ['a'], true],
    ['Exists', 'app', [], true],
    ['Exists', 'zone', [], false],
    ['DoesNotExist', 'zone', [], true],
    ['DoesNotExist', 'app', [], false],
  ] as const)('%s %s %j → %s', (operator, key, values, expected) => {
    expect(matchesSelector(selector({}, [{ key, operator, values: [...values] }]), labels)).toBe(expected);
  });

  it('an unknown operator selects nothing', () => {
    expect(matchesSelector(selector({}, [{ key: 'app', operator: 'Gt' as 'In', values: ['1'] }]), labels)).toBe(false);
  });
});

describe('port resolution', () => {
  const pod = { containers: [container('web', 'web', [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }])] } as PodView;
  const servicePort = (targetPort: number | string, protocol: 'TCP' | 'UDP' = 'TCP') => ({ name: null, protocol, port: 80, targetPort, nodePort: null });

  it('resolves numbers, numeric strings, names (by protocol) and a missing targetPort', () => {
    expect(resolveTargetPort(servicePort(9000), pod)).toBe(9000);
    expect(resolveTargetPort(servicePort('9001'), pod)).toBe(9001);
    expect(resolveTargetPort(servicePort('http'), pod)).toBe(8080);
    expect(resolveTargetPort(servicePort('dns'), pod)).toBeNull();
    expect(resolveTargetPort(servicePort('dns', 'UDP'), pod)).toBe(5353);
    expect(resolveTargetPort(servicePort(0), pod)).toBe(80);
  });

  it('policy ports: numbers, endPort ranges, names, protocol', () => {
    expect(policyPortMatches(policyPort(8080), pod, 'tcp', 8080)).toBe(true);
    expect(policyPortMatches(policyPort(8000, { endPort: 8080 }), pod, 'tcp', 8080)).toBe(true);
    expect(policyPortMatches(policyPort(8000, { endPort: 8079 }), pod, 'tcp', 8080)).toBe(false);
    expect(policyPortMatches(policyPort('http'), pod, 'tcp', 8080)).toBe(true);
    expect(policyPortMatches(policyPort('http'), pod, 'tcp', 8081)).toBe(false);
    expect(policyPortMatches(policyPort(8080, { protocol: 'UDP' }), pod, 'tcp', 8080)).toBe(false);
    expect(policyPortMatches(policyPort(null, { protocol: 'UDP' }), pod, 'udp', 1)).toBe(true);
  });
});

describe('client sets', () => {
  it('source prefixes: any-internet forms are wide, public CIDRs narrow, private ones admit no client', () => {
    expect(clientsFromPrefixes(['0.0.0.0/0']).wide).toBe(true);
    expect(clientsFromPrefixes(['Internet']).wide).toBe(true);
    expect(clientsFromPrefixes(['198.51.100.0/24', 'AzureFrontDoor.Backend'])).toMatchObject({ wide: false, tags: ['azurefrontdoor.backend'] });
    expect(isEmptyClientSet(clientsFromPrefixes(['10.0.0.0/8', 'VirtualNetwork', 'not a prefix!']))).toBe(true);
  });

  it('ipBlock except removes addresses; intersection names the narrower side', () => {
    expect(isEmptyClientSet(clientsFromIpBlock({ cidr: '198.51.100.0/24', except: ['198.51.100.0/24'] }))).toBe(true);
    const block = clientsFromIpBlock({ cidr: '198.51.100.0/24', except: ['198.51.100.0/25'] });
    expect(block.names).toEqual(['198.51.100.0/24 except 198.51.100.0/25']);
    expect(intersectClients(ANY_CLIENT, block)).toMatchObject({ wide: false, names: block.names });
    expect(isEmptyClientSet(intersectClients(clientsFromPrefixes(['198.51.100.0/25']), block))).toBe(true);
  });
});
