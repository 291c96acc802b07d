/**
 * The Microsoft Entra ID families reachgraph collects: one entry, one file
 * `<snapshot>/entra/<file>`, one line in the README.
 *
 * Every file is a Microsoft Graph list response, `{"@odata.context", "value"}`
 * with every page's items. Families read per item of another family cannot
 * be one Graph request, so their files are assembled:
 * - `groupMembers` holds groups with their direct members expanded —
 *   `{"id": <group id>, "members": [{"@odata.type", "id"}]}` — the shape of
 *   `GET /groups?$select=id&$expand=members($select=id)`, which Graph itself
 *   caps at 20 members per group; a group deleted since it was listed is left out;
 * - `appRoleAssignments` is every resource service principal's
 *   `appRoleAssignedTo` list concatenated: each item names its own
 *   `resourceId` and `principalId`, so nothing is lost by flattening.
 *
 * `permission` is the least-privileged Graph *application* permission that
 * lets an app read the family (Directory.Read.All covers all but
 * conditionalAccessPolicies, which needs Policy.Read.All).
 */
export interface EntraFamily {
  readonly key: string;
  readonly file: string;
  /** Graph v1.0 path; `{id}` stands for each item of `eachOf`. */
  readonly path: string;
  /** The query string sent with the first page: `$select` asks only for what reachgraph reads, never for secrets. */
  readonly query: string;
  readonly permission: string;
  readonly usedFor: string;
  /** Read once per item of that family (which must come earlier in the registry). */
  readonly eachOf?: string;
  /** For `eachOf` families: each parent becomes `{id, [wrapAs]: items}` instead of its items being listed flat. */
  readonly wrapAs?: string;
  /** For `eachOf` families: the `@odata.context` fragment of the assembled file (after `$metadata#`). */
  readonly context?: string;
}

/** Credential metadata kept from keyCredentials / passwordCredentials: everything but `key` and `secretText`. */
const CREDENTIAL_FIELDS = ['keyId', 'type', 'usage', 'displayName', 'customKeyIdentifier', 'hint', 'startDateTime', 'endDateTime'];
const CREDENTIALS = 'keyCredentials,passwordCredentials';

export const ENTRA_FAMILIES: readonly EntraFamily[] = [
  {
    key: 'users',
    file: 'users.json',
    path: '/users',
    query: '$select=id,displayName,userPrincipalName,mail,userType,accountEnabled,createdDateTime,externalUserState,onPremisesSyncEnabled&$top=999',
    permission: 'User.Read.All',
    usedFor: 'users as principals of role assignments and group members; guests and disabled accounts',
  },
  {
    key: 'groups',
    file: 'groups.json',
    path: '/groups',
    query:
      '$select=id,displayName,description,groupTypes,securityEnabled,mailEnabled,isAssignableToRole,membershipRule,membershipRuleProcessingState,onPremisesSyncEnabled,createdDateTime&$top=999',
    permission: 'GroupMember.Read.All',
    usedFor: 'groups holding Azure and Entra roles; role-assignable and dynamic-membership groups',
  },
  {
    key: 'groupMembers',
    file: 'group-members.json',
    path: '/groups/{id}/members',
    query: '$select=id&$top=999',
    eachOf: 'groups',
    wrapAs: 'members',
    context: 'groups(id,members(id))',
    permission: 'GroupMember.Read.All',
    usedFor: 'who inherits a group\'s roles: direct members, nested groups among them',
  },
  {
    key: 'servicePrincipals',
    file: 'service-principals.json',
    path: '/servicePrincipals',
    query: `$select=id,appId,displayName,servicePrincipalType,accountEnabled,appOwnerOrganizationId,alternativeNames,servicePrincipalNames,appRoleAssignmentRequired,appRoles,tags,${CREDENTIALS}&$top=999`,
    permission: 'Application.Read.All',
    usedFor: 'workload identities: managed identities (alternativeNames link their ARM id), apps\' service principals and their credentials',
  },
  {
    key: 'applications',
    file: 'applications.json',
    path: '/applications',
    // $expand pages directory objects by 100 at most; an app holds at most 20 federated credentials, all of which an expansion returns.
    query: `$select=id,appId,displayName,signInAudience,identifierUris,requiredResourceAccess,createdDateTime,${CREDENTIALS}&$expand=federatedIdentityCredentials&$top=999`,
    permission: 'Application.Read.All',
    usedFor: 'app registrations: credentials, requested permissions, federated credentials (AKS workload identity, CI/CD)',
  },
  {
    key: 'appRoleAssignments',
    file: 'app-role-assignments.json',
    path: '/servicePrincipals/{id}/appRoleAssignedTo',
    query: '$top=999',
    eachOf: 'servicePrincipals',
    context: 'Collection(microsoft.graph.appRoleAssignment)',
    permission: 'Application.Read.All',
    usedFor: 'application permissions granted (e.g. Microsoft Graph roles held by a workload) and users/groups assigned to apps',
  },
  {
    key: 'directoryRoleDefinitions',
    file: 'directory-role-definitions.json',
    path: '/roleManagement/directory/roleDefinitions',
    query: '$select=id,displayName,description,isBuiltIn,isEnabled,templateId,rolePermissions',
    permission: 'RoleManagement.Read.Directory',
    usedFor: 'what each Entra role may do (built-in and custom), to rank privileged roles',
  },
  {
    key: 'directoryRoleAssignments',
    file: 'directory-role-assignments.json',
    path: '/roleManagement/directory/roleAssignments',
    query: '$select=id,principalId,roleDefinitionId,directoryScopeId,appScopeId,condition',
    permission: 'RoleManagement.Read.Directory',
    usedFor: 'who holds which Entra role (Global Administrator, Application Administrator…) and at which scope',
  },
  {
    key: 'conditionalAccessPolicies',
    file: 'conditional-access-policies.json',
    path: '/identity/conditionalAccess/policies',
    query: '',
    permission: 'Policy.Read.All',
    usedFor: 'which sign-ins require MFA or are blocked, to weigh paths through users and workload identities',
  },
];

/**
 * The item with its credential lists reduced to metadata. `$select` already
 * leaves secrets out; this holds even if Graph (or a proxy) sends them anyway.
 */
export function withoutSecrets(item: unknown): unknown {
  if (!item || typeof item !== 'object') return item;
  const record = item as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const list of ['keyCredentials', 'passwordCredentials']) {
    const credentials = record[list];
    if (!Array.isArray(credentials)) continue;
    copy ??= { ...record };
    copy[list] = credentials.map((credential: unknown) => {
      const source = (credential ?? {}) as Record<string, unknown>;
      return Object.fromEntries(CREDENTIAL_FIELDS.filter((field) => field in source).map((field) => [field, source[field]]));
    });
  }
  return copy ?? item;
}
