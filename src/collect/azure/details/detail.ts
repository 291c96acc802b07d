import type { NetworkManagementClient } from '@azure/arm-network';
import type { ArmRest } from '../../arm/arm-rest.js';

/** The parts of an ARM id the SDKs take as arguments. */
export interface ArmIdParts {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function parseArmId(id: string): ArmIdParts {
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id);
  if (!match) throw new Error(`not a top-level ARM resource id: ${id}`);
  return { subscriptionId: match[1] as string, resourceGroup: match[2] as string, name: match[3] as string };
}

export interface DetailClients {
  arm: ArmRest;
  network(subscriptionId: string): NetworkManagementClient;
}

/**
 * Something ARM holds that Resource Graph does not, read per resource of one
 * type and written under `azure/arm/<subscription>/<key>.json` as an ARM list
 * of ARM-shaped resources (full id, `type`, raw `properties`).
 */
export interface ArmDetail {
  key: string;
  /** What the summary and errors call it. */
  name: string;
  /** The Resource Graph type (lowercased) whose resources it expands. */
  sourceType: string;
  /** The manifest family its resources load into. */
  family: string;
  applies?(resource: Record<string, unknown>): boolean;
  collect(resource: Record<string, unknown>, clients: DetailClients): Promise<Array<Record<string, unknown>>>;
  /** The fix to name when ARM refuses (403). */
  deniedFix: string;
}
