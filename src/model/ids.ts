/**
 * Id scheme: every Azure node is keyed by its ARM id, lowercased, because ARM
 * compares ids case-insensitively and exports disagree on casing.
 */
export const INTERNET_ID = 'internet';

export function normalizeId(armId: string): string {
  return armId.trim().replace(/\/+$/, '').toLowerCase();
}

export function subscriptionIdOf(armId: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

export function resourceGroupNameOf(armId: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

export function subscriptionNodeId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}

export function resourceGroupNodeId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}/resourcegroups/${resourceGroup.toLowerCase()}`;
}

/**
 * The id of the top-level resource that owns a child id, e.g. a NIC's ip
 * configuration id → the NIC id, a VMSS instance NIC ipconfig → the VMSS id.
 * Returns undefined when the id is not under a provider namespace.
 */
export function parentResourceId(childId: string): string | undefined {
  const match = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+)/i.exec(childId);
  return match?.[1] ? normalizeId(match[1]) : undefined;
}
