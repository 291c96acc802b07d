import { normalizeId } from '../../model/ids.js';
import { DEFAULT_SECURITY_RULES, type RuleProtocol, type SecurityRule } from '../../model/network.js';
import type { TransformContext } from '../context.js';
import { asObject, integer, objects, propertiesOf, refIds, singularAndPlural, text } from '../raw.js';
import type { ResourceFamily } from './family.js';

const PROTOCOLS: Readonly<Record<string, RuleProtocol>> = {
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  esp: 'esp',
  ah: 'ah',
  '*': '*',
  any: '*',
};

function orAny(ranges: string[]): string[] {
  return ranges.length > 0 ? ranges : ['*'];
}

/** Normalises one raw rule, or explains why it cannot be evaluated. */
export function normalizeSecurityRule(raw: unknown, isDefault: boolean): SecurityRule | string {
  const name = text(asObject(raw)?.name) ?? '(unnamed)';
  const properties = propertiesOf(raw);
  const priority = integer(properties.priority);
  const access = text(properties.access)?.toLowerCase();
  const direction = text(properties.direction)?.toLowerCase();
  const protocol = PROTOCOLS[text(properties.protocol)?.toLowerCase() ?? ''];
  if (priority === null) return `rule ${name} has no numeric priority`;
  if (access !== 'allow' && access !== 'deny') return `rule ${name} has access ${String(properties.access)}, expected Allow or Deny`;
  if (direction !== 'inbound' && direction !== 'outbound') {
    return `rule ${name} has direction ${String(properties.direction)}, expected Inbound or Outbound`;
  }
  if (!protocol) return `rule ${name} has protocol ${String(properties.protocol)}, expected Tcp, Udp, Icmp, Esp, Ah or *`;
  return {
    name,
    priority,
    direction: direction === 'inbound' ? 'Inbound' : 'Outbound',
    access: access === 'allow' ? 'Allow' : 'Deny',
    protocol,
    sourceAddressPrefixes: singularAndPlural(properties, 'sourceAddressPrefix', 'sourceAddressPrefixes'),
    sourceApplicationSecurityGroupIds: refIds(properties.sourceApplicationSecurityGroups),
    destinationAddressPrefixes: singularAndPlural(properties, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
    destinationApplicationSecurityGroupIds: refIds(properties.destinationApplicationSecurityGroups),
    sourcePortRanges: orAny(singularAndPlural(properties, 'sourcePortRange', 'sourcePortRanges')),
    destinationPortRanges: singularAndPlural(properties, 'destinationPortRange', 'destinationPortRanges'),
    isDefault,
  };
}

function normalizeRules(raw: unknown, isDefault: boolean, nsgId: string, context: TransformContext): SecurityRule[] {
  const rules: SecurityRule[] = [];
  for (const item of objects(raw)) {
    const rule = normalizeSecurityRule(item, isDefault);
    if (typeof rule === 'string') context.warn(nsgId, `${rule}; the rule was left out of evaluation`);
    else rules.push(rule);
  }
  return rules;
}

export const networkSecurityGroups: ResourceFamily = {
  key: 'networkSecurityGroups',
  name: 'network security groups',
  armTypes: ['microsoft.network/networksecuritygroups'],
  transform(resource, context) {
    const properties = propertiesOf(resource);
    const id = normalizeId(resource.id);
    const custom = normalizeRules(properties.securityRules, false, id, context);
    const defaults = Array.isArray(properties.defaultSecurityRules)
      ? normalizeRules(properties.defaultSecurityRules, true, id, context)
      : [...DEFAULT_SECURITY_RULES];
    const nsgId = context.addResourceNode(resource, 'NetworkSecurityGroup', {
      securityRules: JSON.stringify([...custom, ...defaults]),
      customRuleCount: custom.length,
      defaultRulesSynthesized: !Array.isArray(properties.defaultSecurityRules),
    });
    for (const subnetId of refIds(properties.subnets)) context.addEdge(subnetId, 'PROTECTED_BY', nsgId);
    for (const nicId of refIds(properties.networkInterfaces)) context.addEdge(nicId, 'PROTECTED_BY', nsgId);
  },
};
