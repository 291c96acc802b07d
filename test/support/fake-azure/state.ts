/**
 * What the fake Entra ID and Azure Resource Manager know: one tenant, one app
 * registration (the collector's identity), the estate, role assignments and
 * the faults to inject. Everything here may be changed between two requests:
 * each request reads the state afresh (only Resource Graph pages already
 * handed out keep the rows they were cut from, as a cursor would).
 */
import { createHash } from 'node:crypto';

export interface FakeTenant {
  id: string;
  displayName: string;
  /** Verified domains, usable in place of the tenant id in a login URL. */
  domains: string[];
}

export interface FakeSecret {
  value: string;
  expired?: boolean;
}

export interface FakeApp {
  /** The application (client) id. */
  clientId: string;
  /** The object id of the app's service principal in the tenant: the `oid` of its tokens and the principal of its role assignments. */
  objectId: string;
  displayName: string;
  secrets: FakeSecret[];
  /** PEM certificates registered on the app (client assertions signed with their keys are accepted). */
  certificates: string[];
  /** Microsoft Graph application permissions granted with admin consent: the `roles` of Graph tokens. */
  graphRoles: string[];
}

export interface FakeSubscription {
  subscriptionId: string;
  displayName: string;
  state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
  /** The management group holding it (its name); the root when absent. */
  managementGroup?: string;
}

export interface FakeManagementGroup {
  /** The name (the last segment of its id); the root group's name is the tenant id. */
  name: string;
  displayName: string;
  /** The parent group's name; absent only for the root. */
  parent?: string;
}

export interface FakeResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
  managedBy?: string;
  tags?: Record<string, string>;
}

export interface FakePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface FakeRoleDefinition {
  /** The GUID. */
  name: string;
  roleName: string;
  type: 'BuiltInRole' | 'CustomRole';
  description: string;
  assignableScopes: string[];
  permissions: FakePermission[];
  createdOn: string;
  updatedOn: string;
}

export interface FakeRoleAssignment {
  /** The GUID. */
  name: string;
  scope: string;
  /** The role definition's GUID. */
  roleDefinition: string;
  principalId: string;
  principalType: 'ServicePrincipal' | 'User' | 'Group' | 'ForeignGroup' | 'Device';
  createdOn: string;
}

/** An Azure deny assignment, reduced to what it blocks: actions (wildcards allowed) at a scope and below. */
export interface FakeDenyAssignment {
  scope: string;
  actions: string[];
}

export interface FakeCluster {
  /** The managed cluster's ARM id (its resource is in `resources`). */
  id: string;
  /** The clusterUser kubeconfig handed out by listClusterUserCredential. */
  kubeconfig: () => string;
}

export interface FakeShareableLink {
  vmId: string;
  createdAt: string;
}

/** A fault for requests matching `method` and `path` (case-insensitive substring, or a RegExp on the path without its query). */
export interface FaultRule {
  method?: string;
  path: string | RegExp;
  /** Matching requests let through before the first fault (default 0). */
  skip?: number;
  /** Matching requests that fail once the skip is used up (default 1; Infinity for all). */
  times?: number;
  status: 429 | 500 | 502 | 503 | 504;
  /** Sent as Retry-After (seconds) when set; absent otherwise. */
  retryAfterSeconds?: number;
}

export interface FakeAzureState {
  tenant: FakeTenant;
  app: FakeApp;
  tokenLifetimeSeconds: number;
  /** Resource identifiers whose tokens carry the app's Graph roles (the fake Graph's URL, https://graph.microsoft.com). */
  graphResources: string[];
  /** Other resource identifiers Entra knows besides the fake ARM (e.g. https://management.azure.com, the AKS server application). */
  knownResources: string[];
  subscriptions: FakeSubscription[];
  managementGroups: FakeManagementGroup[];
  resourceGroups: FakeResourceGroup[];
  /** The Resources table: ARM-shaped resources or Resource Graph rows. */
  resources: Array<Record<string, unknown>>;
  roleDefinitions: FakeRoleDefinition[];
  roleAssignments: FakeRoleAssignment[];
  denyAssignments: FakeDenyAssignment[];
  clusters: FakeCluster[];
  /** Instance NICs and public IPs of Uniform scale sets, by lowercased scale set id (see scale-sets.ts). */
  scaleSetNetwork: Record<string, { networkInterfaces: Array<Record<string, unknown>>; publicIPAddresses: Array<Record<string, unknown>> }>;
  /** `config/web` properties by lowercased site id; sites without one answer App Service's defaults. */
  webConfigs: Record<string, Record<string, unknown>>;
  /** Shareable links by lowercased Bastion host id. */
  shareableLinks: Record<string, FakeShareableLink[]>;
  /** Resource Graph's per-user quota: queries per window. */
  quota: { perWindow: number; windowMs: number; retryAfterWhenExhausted?: boolean };
  /** Management groups (names) whose Resource Graph queries are refused with 403, as when some subscription below refuses. */
  refuseResourceGraphAt: string[];
  /** Subscriptions whose Resource Graph queries are refused (403 AccessDenied) though the app sees them, as with a deny assignment on Resource Graph reads. */
  refuseResourceGraphFor: string[];
  /** Answers too long for one page come back `resultTruncated: "true"` without a skip token, as for a query Resource Graph cannot page. */
  resourceGraphWithoutSkipTokens?: boolean;
  faults: FaultRule[];
  /** Items per page of ARM list calls (small, so paging is exercised). */
  armPageSize: number;
}

export const ARM_PUBLIC = 'https://management.azure.com';
/** The Entra ID application of the AKS server: the audience of tokens for Entra-integrated clusters. */
export const AKS_SERVER_APP = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** A GUID derived from its parts, so ids of generated objects are stable from run to run. */
export function stableGuid(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

export const managementGroupId = (name: string): string => `/providers/Microsoft.Management/managementGroups/${name}`;

/** The subscription id in an ARM scope or resource id, lowercased. */
export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
}

/** The resource group in an ARM id, as written. */
export function resourceGroupOf(id: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(id)?.[1];
}

export const lower = (value: unknown): string => String(value ?? '').toLowerCase();

/** An ARM resource of the state by id (case-insensitive). */
export function findResource(state: FakeAzureState, id: string): Record<string, unknown> | undefined {
  const key = id.toLowerCase();
  return state.resources.find((resource) => lower(resource.id) === key);
}
