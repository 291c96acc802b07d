/**
 * The parts of a state every estate shares: the collector's app
 * registration (secret, Graph roles granted with admin consent), its role
 * assignments at the root management group satisfying every prerequisite of
 * `reachgraph azure check`, the known resources of Entra, and quiet defaults
 * for quota, faults and paging.
 */
import { BUILT_IN_ROLES, prerequisiteRoles } from './roles.js';
import {
  AKS_SERVER_APP,
  ARM_PUBLIC,
  type FakeApp,
  type FakeAzureState,
  type FakeManagementGroup,
  type FakeResourceGroup,
  type FakeRoleAssignment,
  type FakeRoleDefinition,
  type FakeSubscription,
  lower,
  managementGroupId,
  stableGuid,
} from './state.js';

/** The secret the default app accepts (tests pass it to ClientSecretCredential; it never appears in an answer). */
export const DEFAULT_CLIENT_SECRET = 'Qx78Q~reachgraph-fake-azure.client-secret_0123456789';

/** The Graph application permissions reachgraph asks for. */
export const DEFAULT_GRAPH_ROLES = ['Application.Read.All', 'GroupMember.Read.All', 'Policy.Read.All', 'RoleManagement.Read.Directory', 'User.Read.All'];

function defaultApp(tenantId: string): FakeApp {
  return {
    clientId: stableGuid('reachgraph app', tenantId),
    objectId: stableGuid('reachgraph service principal', tenantId),
    displayName: 'reachgraph-collector',
    secrets: [{ value: DEFAULT_CLIENT_SECRET }],
    certificates: [],
    graphRoles: [...DEFAULT_GRAPH_ROLES],
  };
}

export interface EstateParts {
  tenantId: string;
  tenantName: string;
  subscriptions: FakeSubscription[];
  /** Groups below the root; the root (named after the tenant) is added. */
  managementGroups: FakeManagementGroup[];
  resourceGroups: FakeResourceGroup[];
  resources: Array<Record<string, unknown>>;
  /** Definitions besides reachgraph's prerequisites (an export's own), kept where they do not clash. */
  roleDefinitions?: FakeRoleDefinition[];
  /** Assignments of other principals (an export's own). */
  roleAssignments?: FakeRoleAssignment[];
}

/** A state over an estate, with the default app holding every prerequisite role at the root management group. */
export function baseState(estate: EstateParts): FakeAzureState {
  const app = defaultApp(estate.tenantId);
  const rootScope = managementGroupId(estate.tenantId);
  const prerequisites = prerequisiteRoles(estate.tenantId);
  const known = new Set(prerequisites.map((role) => lower(role.name)));
  const definitions = [...prerequisites, BUILT_IN_ROLES.owner, BUILT_IN_ROLES.contributor, ...(estate.roleDefinitions ?? [])].filter((role, index, all) => {
    const first = all.findIndex((other) => lower(other.name) === lower(role.name)) === index;
    return first || !known.has(lower(role.name));
  });
  const appAssignments: FakeRoleAssignment[] = prerequisites.map((role) => ({
    name: stableGuid('assignment', rootScope, role.name, app.objectId),
    scope: rootScope,
    roleDefinition: role.name,
    principalId: app.objectId,
    principalType: 'ServicePrincipal',
    createdOn: '2024-02-01T09:05:00.0000000Z',
  }));
  const root: FakeManagementGroup = { name: estate.tenantId, displayName: 'Tenant Root Group' };
  return {
    tenant: { id: estate.tenantId, displayName: estate.tenantName, domains: [`${estate.tenantName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`] },
    app,
    tokenLifetimeSeconds: 3599,
    graphResources: ['https://graph.microsoft.com'],
    knownResources: [ARM_PUBLIC, 'https://management.core.windows.net/', AKS_SERVER_APP],
    subscriptions: estate.subscriptions,
    managementGroups: [root, ...estate.managementGroups.filter((group) => lower(group.name) !== lower(estate.tenantId))],
    resourceGroups: estate.resourceGroups,
    resources: estate.resources,
    roleDefinitions: definitions,
    roleAssignments: [...(estate.roleAssignments ?? []), ...appAssignments],
    denyAssignments: [],
    clusters: [],
    scaleSetNetwork: {},
    webConfigs: {},
    shareableLinks: {},
    quota: { perWindow: 15, windowMs: 5000 },
    refuseResourceGraphAt: [],
    refuseResourceGraphFor: [],
    faults: [],
    armPageSize: 2,
  };
}
