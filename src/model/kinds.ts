/**
 * Node and edge kinds. Node kinds double as Neo4j labels; exposure reports use
 * them as the asset `kind`.
 */
export const NodeKinds = [
  'Internet',
  'Subscription',
  'ResourceGroup',
  'VirtualNetwork',
  'Subnet',
  'NetworkSecurityGroup',
  'NetworkInterface',
  'PublicIPAddress',
  'VirtualMachine',
  'VirtualMachineScaleSet',
  'LoadBalancer',
  'ApplicationGateway',
  'ApplicationSecurityGroup',
  /**
   * A managed identity: a user-assigned identity resource, or a resource's
   * system-assigned identity (id scheme in ids.ts). `principalId` is its Entra
   * object id, the one role assignments name.
   */
  'ManagedIdentity',
  'KeyVault',
  'StorageAccount',
  'SqlServer',
  'ContainerRegistry',
  /** An AKS cluster (Microsoft.ContainerService/managedClusters); its Kubernetes objects hang below it. */
  'ManagedCluster',
  'KubernetesNamespace',
  'KubernetesNode',
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob (`workloadKind`); the subject of Kubernetes exposure. */
  'KubernetesWorkload',
  'KubernetesPod',
  'KubernetesService',
  'KubernetesIngress',
  'KubernetesIngressClass',
  'KubernetesNetworkPolicy',
  'KubernetesServiceAccount',
  /** A container image by digest: id `image:<registry>/<repository>@<digest>` (ids.ts). */
  'ContainerImage',
  /** Any ARM resource whose type reachgraph does not model yet. */
  'AzureResource',
  /** Written by analysis: one path from an internet-exposed workload to a crown jewel. */
  'AttackPath',
  /** Written by analysis: which result version is current. */
  'AnalysisState',
] as const;
export type NodeKind = (typeof NodeKinds)[number];

export const EdgeKinds = [
  /** Subscription → resource group → resource; virtual network → subnet. */
  'CONTAINS',
  /** Network interface, scale set or application gateway → the subnet it sits in. */
  'IN_SUBNET',
  /** Network interface → the virtual machine it is attached to. */
  'ATTACHED_TO',
  /** Network interface, load balancer or application gateway → its public IP. */
  'HAS_PUBLIC_IP',
  /** Subnet, network interface or scale set → the NSG that filters it. */
  'PROTECTED_BY',
  /** Load balancer or application gateway → a backend it forwards to. */
  'ROUTES_TO',
  /** Virtual network → a peered virtual network. */
  'PEERED_WITH',
  /** Network interface → an application security group its ip configuration joins. */
  'MEMBER_OF',
  /** Kubernetes owner references: workload → replica set → pod (and cron job → job → pod). */
  'OWNS',
  /** Service or network policy → each pod its selector matches. */
  'SELECTS',
  /** Pod → the node it is scheduled on. */
  'RUNS_ON',
  /** Pod → the service account it runs as. */
  'RUNS_AS',
  /** Pod → the image digest each container runs (properties: container, imageRef, tag, digestPinned). */
  'RUNS_IMAGE',
  /** Ingress → each backend service it routes to (properties: host, path, port). */
  'ROUTES_TO_SERVICE',
  /** Resource (VM, scale set, app…) → a managed identity it can obtain tokens for. */
  'USES_IDENTITY',
  /**
   * Principal (a managed identity) → the scope node (subscription, resource
   * group or resource) of its Azure RBAC role assignments. One edge per
   * (principal, scope); properties in roles.ts (`encodeRoleGrants`).
   */
  'HAS_ROLE',
  /** Derived by analysis: traffic from the source reaches the target (ports in properties). */
  'REACHES',
  /** Attack path → the exposed workload it starts at. */
  'STARTS_AT',
  /** Attack path → the crown jewel it ends at. */
  'TARGETS',
  /** Attack path → each hop, with its `order`. */
  'VIA',
] as const;
export type EdgeKind = (typeof EdgeKinds)[number];

/** Which lowercase ARM resource types map to which node kind. */
export const ArmTypeToKind: Readonly<Record<string, NodeKind>> = {
  'microsoft.resources/subscriptions': 'Subscription',
  'microsoft.resources/subscriptions/resourcegroups': 'ResourceGroup',
  'microsoft.network/virtualnetworks': 'VirtualNetwork',
  'microsoft.network/virtualnetworks/subnets': 'Subnet',
  'microsoft.network/networksecuritygroups': 'NetworkSecurityGroup',
  'microsoft.network/networkinterfaces': 'NetworkInterface',
  'microsoft.network/publicipaddresses': 'PublicIPAddress',
  'microsoft.compute/virtualmachines': 'VirtualMachine',
  'microsoft.compute/virtualmachinescalesets': 'VirtualMachineScaleSet',
  'microsoft.network/loadbalancers': 'LoadBalancer',
  'microsoft.network/applicationgateways': 'ApplicationGateway',
  'microsoft.network/applicationsecuritygroups': 'ApplicationSecurityGroup',
  'microsoft.managedidentity/userassignedidentities': 'ManagedIdentity',
  'microsoft.keyvault/vaults': 'KeyVault',
  'microsoft.containerregistry/registries': 'ContainerRegistry',
  'microsoft.containerservice/managedclusters': 'ManagedCluster',
  'microsoft.storage/storageaccounts': 'StorageAccount',
  'microsoft.sql/servers': 'SqlServer',
};

/** Kinds that run code an attacker can land on: the subjects of exposure reports. */
export const WorkloadKinds: readonly NodeKind[] = ['VirtualMachine', 'VirtualMachineScaleSet', 'KubernetesWorkload'];

/**
 * Kinds that are attack-path targets by themselves: they hold secrets or data.
 * Any other node becomes one when tagged `reachgraph:crown-jewel=true`; a
 * subscription becomes one for roles that can take it over (see analysis/attack-paths.ts).
 */
export const CrownJewelKinds: readonly NodeKind[] = ['KeyVault', 'StorageAccount', 'SqlServer'];

/** The tag (as stored in a node's `tags` property, 'key=value') that marks a crown jewel. */
export const CROWN_JEWEL_TAG = 'reachgraph:crown-jewel=true';

/**
 * Properties that hold structured data as JSON text (graph stores keep only
 * flat values). Decode them with `readJsonProperty`.
 */
export const JsonProperties: Readonly<Partial<Record<NodeKind, readonly string[]>>> = {
  NetworkSecurityGroup: ['securityRules'],
  NetworkInterface: ['ipConfigurations'],
  VirtualMachineScaleSet: ['networkInterfaceConfigurations'],
  LoadBalancer: ['frontendIPConfigurations', 'backendAddressPools', 'loadBalancingRules', 'inboundNatRules', 'inboundNatPools'],
  ApplicationGateway: ['frontendIPConfigurations', 'gatewaySubnetIds', 'listeners', 'backendAddressPools', 'routes'],
  ManagedCluster: ['agentPools'],
  KubernetesPod: ['labels', 'containers'],
  KubernetesWorkload: ['labels', 'podTemplateLabels', 'selector', 'containers'],
  KubernetesService: ['selector', 'ports'],
  KubernetesIngress: ['routes'],
  KubernetesNamespace: ['labels'],
  KubernetesNetworkPolicy: ['podSelector', 'ingressRules'],
};
