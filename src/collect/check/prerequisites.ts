/**
 * What the connector needs, one entry each: what reachgraph uses it for, how
 * to tell it is there, and how to grant it (the portal step and the `az`
 * command). `azure check` and the README's "Connect your Azure tenant" are
 * both generated from this list.
 */
import type { Requirement } from './role-permissions.js';

export interface FixText {
  portal: string;
  /** `<app>` is the client id, `<scope>` the scope that lacks it, `<tenant>` the tenant id. */
  az: string;
}

interface Base {
  id: string;
  title: string;
  /** Missing a required prerequisite makes `azure check` exit 1. */
  required: boolean;
  /** What reachgraph uses it for (README). */
  usedFor: string;
  fix: FixText;
}

/** An Azure RBAC permission, evaluated per subscription (an assignment at the subscription, above it, or — with `belowCounts` — on a resource in it). */
export interface RbacPrerequisite extends Base {
  kind: 'rbac';
  requirement: Requirement;
  /** Roles that grant it, for the README. */
  roles: string;
  /** Cluster-scoped assignments count (AKS roles may be granted per cluster). */
  belowCounts?: boolean;
  /** Only needed where the subscription holds such resources (e.g. AKS clusters). */
  onlyWith?: string;
}

/** A Microsoft Graph application permission, read from the Graph token's `roles` claim. */
export interface GraphPrerequisite extends Base {
  kind: 'graph';
  permission: string;
  /** The app role id of the permission in Microsoft Graph, for `az ad app permission add`. */
  appRoleId: string;
  /** Narrower permissions that together grant the same reads (least privilege); holding all of them passes too. */
  equivalent?: readonly string[];
}

/** Reading the root management group (its id is the tenant id). */
export interface RootGroupPrerequisite extends Base {
  kind: 'root-management-group';
}

export type Prerequisite = RbacPrerequisite | GraphPrerequisite | RootGroupPrerequisite;

const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const rbacFix = (role: string): FixText => ({
  portal: `Subscriptions → <subscription> → Access control (IAM) → Add role assignment → "${role}" → Members: User, group, or service principal → select the app → Review + assign`,
  az: `az role assignment create --assignee <app> --role "${role}" --scope <scope>`,
});

const graphFix = (permission: string, appRoleId: string): FixText => ({
  portal: `Entra admin center → App registrations → <app> → API permissions → Add a permission → Microsoft Graph → Application permissions → ${permission} → Add permissions → Grant admin consent for <tenant>`,
  az: `az ad app permission add --id <app> --api ${MICROSOFT_GRAPH_APP_ID} --api-permissions ${appRoleId}=Role && az ad app permission admin-consent --id <app>`,
});

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    kind: 'rbac',
    id: 'reader',
    title: 'Reader on each subscription (or above it)',
    required: true,
    roles: 'Reader',
    usedFor: 'the inventory through Resource Graph (resources, resource groups, role assignments) and the ARM details it lacks',
    requirement: { actions: ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Network/networkSecurityGroups/read', 'Microsoft.Authorization/roleAssignments/read'] },
    fix: rbacFix('Reader'),
  },
  {
    kind: 'root-management-group',
    id: 'management-group-reader',
    title: 'Management Group Reader at the root management group',
    required: false,
    usedFor: 'one Resource Graph query for the whole tenant and role assignments made at management groups (without it, subscriptions are queried in batches)',
    fix: {
      portal: 'Management groups → Tenant Root Group → Access control (IAM) → Add role assignment → "Management Group Reader" → select the app',
      az: 'az role assignment create --assignee <app> --role "Management Group Reader" --scope /providers/Microsoft.Management/managementGroups/<tenant>',
    },
  },
  {
    kind: 'rbac',
    id: 'aks-cluster-user',
    title: 'Azure Kubernetes Service Cluster User Role (subscription or cluster)',
    required: true,
    onlyWith: 'microsoft.containerservice/managedclusters',
    belowCounts: true,
    roles: 'Azure Kubernetes Service Cluster User Role',
    usedFor: 'the cluster user kubeconfig (listClusterUserCredential) that reaches each AKS API server',
    requirement: { actions: ['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'] },
    fix: rbacFix('Azure Kubernetes Service Cluster User Role'),
  },
  {
    kind: 'rbac',
    id: 'aks-rbac-reader',
    title: 'Azure Kubernetes Service RBAC Reader (subscription or cluster)',
    required: true,
    onlyWith: 'microsoft.containerservice/managedclusters',
    belowCounts: true,
    roles: 'Azure Kubernetes Service RBAC Reader',
    usedFor: 'reading pods, workloads, services, ingresses and network policies through Entra ID–integrated clusters\' Kubernetes API (never Secrets)',
    requirement: { dataActions: ['Microsoft.ContainerService/managedClusters/pods/read', 'Microsoft.ContainerService/managedClusters/apps/deployments/read'] },
    fix: rbacFix('Azure Kubernetes Service RBAC Reader'),
  },
  {
    kind: 'rbac',
    id: 'storage-blob-data-reader',
    title: 'Storage Blob Data Reader',
    required: false,
    roles: 'Storage Blob Data Reader',
    usedFor: 'not read by this version: reserved for classifying what storage accounts hold (optional; no key access either way)',
    requirement: { dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] },
    fix: rbacFix('Storage Blob Data Reader'),
  },
  {
    kind: 'rbac',
    id: 'storage-file-data-privileged-reader',
    title: 'Storage File Data Privileged Reader',
    required: false,
    roles: 'Storage File Data Privileged Reader',
    usedFor: 'not read by this version: reserved for classifying what file shares hold (optional; no key access either way)',
    requirement: { dataActions: ['Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read'] },
    fix: rbacFix('Storage File Data Privileged Reader'),
  },
  {
    kind: 'rbac',
    id: 'reachgraph-custom-role',
    title: 'reachgraph custom role (web app configuration, Bastion shareable links)',
    required: false,
    roles: 'reachgraph Reader Extensions (docs/azure/reachgraph-reader-role.json)',
    usedFor: 'which VMs have Bastion shareable links (a POST action Reader lacks); App Service access restrictions are read from `config/web` with Reader alone, and app settings and connection strings are never listed',
    requirement: { actions: ['Microsoft.Web/sites/config/list/action', 'Microsoft.Network/bastionHosts/getShareableLinks/action'] },
    fix: {
      portal: 'Subscriptions → <subscription> → Access control (IAM) → Add → Add custom role → Start from JSON → docs/azure/reachgraph-reader-role.json; then assign it to the app',
      az: 'az role definition create --role-definition docs/azure/reachgraph-reader-role.json && az role assignment create --assignee <app> --role "reachgraph Reader Extensions" --scope <scope>',
    },
  },
  {
    kind: 'graph',
    id: 'graph-directory-read-all',
    title: 'Microsoft Graph Directory.Read.All (application, admin consent)',
    required: true,
    permission: 'Directory.Read.All',
    appRoleId: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    equivalent: ['User.Read.All', 'GroupMember.Read.All', 'Application.Read.All', 'RoleManagement.Read.Directory'],
    usedFor: 'users, groups and members, service principals, applications and their credential metadata, app role and directory role assignments',
    fix: graphFix('Directory.Read.All', '7ab1d382-f21e-4acd-a863-ba3e13f7da61'),
  },
  {
    kind: 'graph',
    id: 'graph-policy-read-all',
    title: 'Microsoft Graph Policy.Read.All (application, admin consent)',
    required: true,
    permission: 'Policy.Read.All',
    appRoleId: '246dd0d5-5bd0-4def-940b-0421030a5b68',
    usedFor: 'conditional access policies',
    fix: graphFix('Policy.Read.All', '246dd0d5-5bd0-4def-940b-0421030a5b68'),
  },
];
