/**
 * A synthetic Entra ID directory for the fake Graph: N users, groups, app
 * registrations with their service principals, managed identities, the
 * Microsoft Graph service principal, app role assignments, directory roles
 * and conditional access policies, shaped as Graph v1.0 returns them. Ids are
 * stable from run to run; sizes are free, for tests and benchmarks alike.
 */
import { stableGuid } from './fake-azure/state.js';
import type { GraphDirectory, GraphObject } from './fake-graph.js';

export interface SyntheticDirectoryOptions {
  tenantId?: string;
  users?: number;
  groups?: number;
  /** App registrations, each with its service principal. */
  applications?: number;
  /** User-assigned managed identities (service principals of type ManagedIdentity). */
  managedIdentities?: number;
  /** Users per group; every fourth group also holds a nested group and a managed identity. */
  membersPerGroup?: number;
  /** Put into every credential's `secretText` / `key`, as Graph must never be trusted not to send them. */
  canary?: string;
  seed?: string;
}

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';

/** Microsoft Graph application permissions (app roles of its service principal), with their real ids. */
export const GRAPH_APP_ROLES: Record<string, string> = {
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
};

/** Built-in Entra roles: template id (the role definition id), name, a few of their actions. */
export const DIRECTORY_ROLES: Array<[string, string, string[]]> = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', ['microsoft.directory/applications/allProperties/allTasks', 'microsoft.directory/roleAssignments/allProperties/allTasks']],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator', ['microsoft.directory/roleAssignments/allProperties/allTasks', 'microsoft.directory/roleDefinitions/allProperties/allTasks']],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator', ['microsoft.directory/applications/credentials/update', 'microsoft.directory/servicePrincipals/credentials/update']],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator', ['microsoft.directory/applications/credentials/update', 'microsoft.directory/servicePrincipals/appRoleAssignedTo/update']],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader', ['microsoft.directory/applications/allProperties/read', 'microsoft.directory/users/allProperties/read']],
  ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers', ['microsoft.directory/users/standard/read', 'microsoft.directory/groups/standard/read']],
];

export function directoryRoleId(name: string): string {
  const role = DIRECTORY_ROLES.find(([, displayName]) => displayName === name);
  if (!role) throw new Error(`no built-in directory role "${name}"`);
  return role[0];
}

const day = (n: number): string => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().replace('.000Z', 'Z');

export function syntheticDirectory(options: SyntheticDirectoryOptions = {}): GraphDirectory {
  const seed = options.seed ?? 'contoso';
  const tenantId = options.tenantId ?? stableGuid(seed, 'tenant');
  const guid = (...parts: Array<string | number>): string => stableGuid(seed, ...parts.map(String));
  const sizes = { users: options.users ?? 20, groups: options.groups ?? 6, applications: options.applications ?? 4, managedIdentities: options.managedIdentities ?? 3, members: options.membersPerGroup ?? 4 };
  const secret = options.canary ?? null;
  const domain = `${seed}.onmicrosoft.com`;

  const users: GraphObject[] = Array.from({ length: sizes.users }, (_, i) => {
    const guest = i % 10 === 9;
    return {
      id: guid('user', i),
      businessPhones: [],
      displayName: `User ${i}`,
      givenName: 'User',
      surname: String(i),
      jobTitle: i === 0 ? 'Cloud administrator' : null,
      mail: guest ? `guest${i}@fabrikam.com` : `user${i}@${domain}`,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
      userPrincipalName: guest ? `guest${i}_fabrikam.com#EXT#@${domain}` : `user${i}@${domain}`,
      userType: guest ? 'Guest' : 'Member',
      accountEnabled: i % 17 !== 16,
      createdDateTime: day(i % 365),
      externalUserState: guest ? 'Accepted' : null,
      onPremisesSyncEnabled: i % 3 === 0 ? true : null,
    };
  });

  const groups: GraphObject[] = Array.from({ length: sizes.groups }, (_, i) => {
    const unified = i % 5 === 4;
    const dynamic = i % 6 === 5;
    return {
      id: guid('group', i),
      displayName: `Group ${i}`,
      description: `Synthetic group ${i}`,
      groupTypes: [...(unified ? ['Unified'] : []), ...(dynamic ? ['DynamicMembership'] : [])],
      securityEnabled: !unified,
      mailEnabled: unified,
      mailNickname: `group${i}`,
      isAssignableToRole: i % 7 === 0 ? true : null,
      membershipRule: dynamic ? `(user.department -eq "Department ${i}")` : null,
      membershipRuleProcessingState: dynamic ? 'On' : null,
      onPremisesSyncEnabled: null,
      createdDateTime: day(i),
      visibility: unified ? 'Private' : null,
    };
  });

  const credentials = (owner: string, i: number): { keyCredentials: unknown[]; passwordCredentials: unknown[] } => ({
    keyCredentials: [
      { customKeyIdentifier: Buffer.from(guid(owner, 'thumbprint', i)).toString('base64').slice(0, 28), displayName: `CN=${owner}-${i}`, endDateTime: day(730 + i), key: secret, keyId: guid(owner, 'key', i), startDateTime: day(i), type: 'AsymmetricX509Cert', usage: 'Verify' },
    ],
    passwordCredentials: [{ customKeyIdentifier: null, displayName: 'ci secret', endDateTime: day(180 + i), hint: 'q~8', keyId: guid(owner, 'password', i), secretText: secret, startDateTime: day(i) }],
  });

  const applications: GraphObject[] = Array.from({ length: sizes.applications }, (_, i) => ({
    id: guid('application', i),
    appId: guid('appId', i),
    displayName: `App ${i}`,
    signInAudience: i % 4 === 3 ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
    identifierUris: [`api://${guid('appId', i)}`],
    createdDateTime: day(i),
    publisherDomain: domain,
    requiredResourceAccess: [
      {
        resourceAppId: GRAPH_APP_ID,
        resourceAccess: [
          { id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', type: 'Scope' },
          ...(i % 2 === 0 ? [{ id: GRAPH_APP_ROLES['Directory.Read.All'], type: 'Role' }] : []),
        ],
      },
    ],
    ...credentials('application', i),
    federatedIdentityCredentials:
      i % 3 === 0
        ? [
            {
              id: guid('fic', i),
              name: `aks-workload-${i}`,
              issuer: `https://eastus.oic.prod-aks.azure.com/${tenantId}/${guid('oidc', i)}/`,
              subject: `system:serviceaccount:team-${i}:workload-${i}`,
              description: null,
              audiences: ['api://AzureADTokenExchange'],
            },
          ]
        : [],
  }));

  const graphPrincipal: GraphObject = {
    id: guid('sp', 'graph'),
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appOwnerOrganizationId: MICROSOFT_TENANT,
    alternativeNames: [],
    servicePrincipalNames: [GRAPH_APP_ID, 'https://graph.microsoft.com'],
    appRoleAssignmentRequired: false,
    appRoles: Object.entries(GRAPH_APP_ROLES).map(([value, id]) => ({ allowedMemberTypes: ['Application'], description: `Allows the app to ${value}.`, displayName: value, id, isEnabled: true, origin: 'Application', value })),
    tags: [],
    keyCredentials: [],
    passwordCredentials: [],
  };
  const appPrincipals: GraphObject[] = applications.map((app, i) => ({
    id: guid('sp', i),
    appId: app.appId,
    displayName: app.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: i % 5 !== 4,
    appOwnerOrganizationId: tenantId,
    alternativeNames: [],
    servicePrincipalNames: [app.appId as string, ...(app.identifierUris as string[])],
    appRoleAssignmentRequired: i % 2 === 1,
    appRoles: [{ allowedMemberTypes: ['User', 'Application'], description: 'Administers the app.', displayName: 'Admin', id: guid('approle', i), isEnabled: true, origin: 'Application', value: 'App.Admin' }],
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    ...credentials('sp', i),
  }));
  const identities: GraphObject[] = Array.from({ length: sizes.managedIdentities }, (_, i) => {
    const armId = `/subscriptions/${guid('subscription')}/resourcegroups/rg-workloads/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-workload-${i}`;
    return {
      id: guid('mi', i),
      appId: guid('mi-app', i),
      displayName: `id-workload-${i}`,
      servicePrincipalType: 'ManagedIdentity',
      accountEnabled: true,
      appOwnerOrganizationId: null,
      alternativeNames: ['isExplicit=True', armId],
      servicePrincipalNames: [guid('mi-app', i), `https://identity.azure.net/${guid('mi-token', i)}`],
      appRoleAssignmentRequired: false,
      appRoles: [],
      tags: [],
      keyCredentials: [{ customKeyIdentifier: 'MI', displayName: `CN=${guid('mi-app', i)}`, endDateTime: day(90), key: secret, keyId: guid('mi-key', i), startDateTime: day(0), type: 'AsymmetricX509Cert', usage: 'Verify' }],
      passwordCredentials: [],
    };
  });
  const servicePrincipals = [graphPrincipal, ...appPrincipals, ...identities];

  const groupMembers: Record<string, string[]> = {};
  groups.forEach((group, g) => {
    const members = Array.from({ length: Math.min(sizes.members, users.length) }, (_, k) => (users[(g * 7 + k) % users.length] as GraphObject).id);
    if (g % 4 === 0 && groups.length > 1) members.push((groups[(g + 1) % groups.length] as GraphObject).id);
    if (g % 4 === 0 && identities.length > 0) members.push((identities[g % identities.length] as GraphObject).id);
    groupMembers[group.id] = [...new Set(members)];
  });

  const assignment = (principal: GraphObject, principalType: string, resource: GraphObject, appRoleId: string, n: number): GraphObject => ({
    id: Buffer.from(guid('assignment', principal.id, resource.id, n)).toString('base64url').slice(0, 43),
    deletedDateTime: null,
    appRoleId,
    createdDateTime: day(n % 365),
    principalDisplayName: principal.displayName,
    principalId: principal.id,
    principalType,
    resourceDisplayName: resource.displayName,
    resourceId: resource.id,
  });
  const roleIds = Object.values(GRAPH_APP_ROLES);
  const appRoleAssignments: GraphObject[] = [
    ...appPrincipals.flatMap((principal, i) => (i % 2 === 0 ? [assignment(principal, 'ServicePrincipal', graphPrincipal, roleIds[i % roleIds.length] as string, i)] : [])),
    ...identities.flatMap((identity, i) => (i % 3 === 0 ? [assignment(identity, 'ServicePrincipal', graphPrincipal, GRAPH_APP_ROLES['Directory.Read.All'] as string, i)] : [])),
    ...appPrincipals.flatMap((resource, i) => [
      ...(users.length > 0 ? [assignment(users[i % users.length] as GraphObject, 'User', resource, DEFAULT_ACCESS, i)] : []),
      ...(groups.length > 0 ? [assignment(groups[i % groups.length] as GraphObject, 'Group', resource, guid('approle', i), i)] : []),
    ]),
  ];

  const roleDefinitions: GraphObject[] = DIRECTORY_ROLES.map(([id, displayName, actions]) => ({
    id,
    description: `Built-in role ${displayName}.`,
    displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    templateId: id,
    version: '1',
    rolePermissions: [{ allowedResourceActions: actions, condition: null }],
  }));
  const roleAssignment = (roleDefinitionId: string, principal: GraphObject | undefined): GraphObject[] =>
    principal ? [{ id: `${Buffer.from(guid('ra', roleDefinitionId, principal.id)).toString('base64url').slice(0, 43)}-1`, principalId: principal.id, roleDefinitionId, directoryScopeId: '/', appScopeId: null, condition: null }] : [];
  const roleAssignments: GraphObject[] = [
    ...roleAssignment(directoryRoleId('Global Administrator'), users[0]),
    ...roleAssignment(directoryRoleId('Privileged Role Administrator'), groups[0]),
    ...roleAssignment(directoryRoleId('Application Administrator'), appPrincipals[0]),
    ...roleAssignment(directoryRoleId('Global Reader'), users[1]),
  ];

  const conditionalAccessPolicies: GraphObject[] = [
    {
      id: guid('ca', 'admins-mfa'),
      displayName: 'Require MFA for administrators',
      createdDateTime: day(10),
      modifiedDateTime: day(40),
      state: 'enabled',
      sessionControls: null,
      conditions: {
        userRiskLevels: [],
        signInRiskLevels: [],
        clientAppTypes: ['all'],
        platforms: null,
        locations: null,
        applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
        users: { includeUsers: [], excludeUsers: users[0] ? [users[0].id] : [], includeGroups: [], excludeGroups: [], includeRoles: DIRECTORY_ROLES.slice(0, 4).map(([id]) => id), excludeRoles: [] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
    },
    {
      id: guid('ca', 'legacy'),
      displayName: 'Block legacy authentication',
      createdDateTime: day(11),
      modifiedDateTime: null,
      state: 'enabledForReportingButNotEnforced',
      sessionControls: null,
      conditions: {
        userRiskLevels: [],
        signInRiskLevels: [],
        clientAppTypes: ['exchangeActiveSync', 'other'],
        platforms: null,
        locations: null,
        applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
        users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
      },
      grantControls: { operator: 'OR', builtInControls: ['block'], customAuthenticationFactors: [], termsOfUse: [] },
    },
  ];

  return { tenantId, users, groups, groupMembers, servicePrincipals, applications, appRoleAssignments, roleDefinitions, roleAssignments, conditionalAccessPolicies };
}
