/**
 * The Azure built-in roles reachgraph asks for, with their real GUIDs and
 * permissions as Microsoft documents them (built-in roles reference), and the
 * custom role holding the two actions no built-in read role grants.
 */
import { type FakePermission, type FakeRoleDefinition, managementGroupId, stableGuid } from './state.js';

const permission = (actions: string[], dataActions: string[] = [], notActions: string[] = []): FakePermission => ({ actions, notActions, dataActions, notDataActions: [] });

const builtIn = (name: string, roleName: string, description: string, permissions: FakePermission, updatedOn: string): FakeRoleDefinition => ({
  name,
  roleName,
  type: 'BuiltInRole',
  description,
  assignableScopes: ['/'],
  permissions: [permissions],
  createdOn: '2015-02-02T21:55:09.8806423Z',
  updatedOn,
});

const AKS_READ_DATA_ACTIONS = [
  'apps/controllerrevisions', 'apps/daemonsets', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets',
  'autoscaling/horizontalpodautoscalers', 'batch/cronjobs', 'batch/jobs', 'configmaps', 'discovery.k8s.io/endpointslices',
  'endpoints', 'events.k8s.io/events', 'events', 'extensions/daemonsets', 'extensions/deployments', 'extensions/ingresses',
  'extensions/networkpolicies', 'extensions/replicasets', 'limitranges', 'metrics.k8s.io/pods', 'metrics.k8s.io/nodes',
  'namespaces', 'networking.k8s.io/ingresses', 'networking.k8s.io/networkpolicies', 'persistentvolumeclaims', 'pods',
  'policy/poddisruptionbudgets', 'replicationcontrollers', 'resourcequotas', 'serviceaccounts', 'services',
].map((kind) => `Microsoft.ContainerService/managedClusters/${kind}/read`);

export const BUILT_IN_ROLES = {
  owner: builtIn('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', permission(['*']), '2021-11-11T20:13:45.8978856Z'),
  contributor: builtIn('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.', permission(['*'], [], ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action', 'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action', 'Microsoft.Purview/consents/write', 'Microsoft.Purview/consents/delete']), '2023-07-10T15:37:36.1093617Z'),
  reader: builtIn('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', 'View all resources, but does not allow you to make any changes.', permission(['*/read']), '2021-11-11T20:13:47.8628684Z'),
  storageBlobDataReader: builtIn('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', 'Storage Blob Data Reader', 'Allows for read access to Azure Storage blob containers and data', permission(['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'], ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read']), '2021-11-11T20:13:55.7673172Z'),
  storageFileDataPrivilegedReader: builtIn('b8eda974-7b85-4f76-af95-65846b26df6d', 'Storage File Data Privileged Reader', 'Allows for read access on files/directories in Azure file shares by overriding existing ACLs/NTFS permissions. This role has no built-in equivalent on Windows file servers.', permission([], ['Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read', 'Microsoft.Storage/storageAccounts/fileServices/readFileBackupSemantics/action']), '2023-08-31T15:29:30.5632378Z'),
  aksRbacReader: builtIn('7f6c6a51-bcf8-42ba-9220-52d62157d7db', 'Azure Kubernetes Service RBAC Reader', 'Allows read-only access to see most objects in a namespace. It does not allow viewing roles or role bindings. This role does not allow viewing Secrets, since reading the contents of Secrets enables access to ServiceAccount credentials in the namespace, which would allow API access as any ServiceAccount in the namespace (a form of privilege escalation). Applying this role at cluster scope will give access across all namespaces.', permission(['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/operationresults/read', 'Microsoft.Resources/subscriptions/read', 'Microsoft.Resources/subscriptions/resourceGroups/read'], AKS_READ_DATA_ACTIONS), '2023-04-26T15:25:35.6464734Z'),
  aksClusterUser: builtIn('4abbcc35-e782-43d8-92c5-2d3f1bd2253f', 'Azure Kubernetes Service Cluster User Role', 'List cluster user credential action.', permission(['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', 'Microsoft.ContainerService/managedClusters/read']), '2022-03-07T20:50:12.3245425Z'),
  managementGroupReader: builtIn('ac63b705-f282-497d-ac71-919bf39d939d', 'Management Group Reader', 'Management Group Reader Role', permission(['Microsoft.Management/managementGroups/read', 'Microsoft.Management/managementGroups/subscriptions/read', 'Microsoft.Authorization/*/read']), '2021-11-11T20:13:49.8488917Z'),
} satisfies Record<string, FakeRoleDefinition>;

/** reachgraph's custom role: the two actions behind App Service access restrictions and Bastion shareable links. */
export function reachgraphCustomRole(tenantId: string): FakeRoleDefinition {
  return {
    name: stableGuid('reachgraph custom role', tenantId),
    roleName: 'reachgraph reader (custom)',
    type: 'CustomRole',
    description: 'What reachgraph reads beyond Reader: App Service site configuration and Bastion shareable links.',
    assignableScopes: [managementGroupId(tenantId)],
    permissions: [permission(['Microsoft.Web/sites/config/list/action', 'Microsoft.Network/bastionHosts/getShareableLinks/action'])],
    createdOn: '2024-02-01T09:00:00.0000000Z',
    updatedOn: '2024-02-01T09:00:00.0000000Z',
  };
}

/** Every role reachgraph's prerequisites name, the custom one included. */
export function prerequisiteRoles(tenantId: string): FakeRoleDefinition[] {
  const { reader, storageBlobDataReader, storageFileDataPrivilegedReader, aksRbacReader, aksClusterUser, managementGroupReader } = BUILT_IN_ROLES;
  return [reader, storageBlobDataReader, storageFileDataPrivilegedReader, aksRbacReader, aksClusterUser, managementGroupReader, reachgraphCustomRole(tenantId)];
}
