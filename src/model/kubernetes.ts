/**
 * Normalised Kubernetes and AKS records, as the load stage writes them
 * (JSON-encoded where marked) into node properties and as analysis reads them.
 */

/** AKS agent pool settings that matter for exposure. */
export interface AgentPool {
  name: string;
  mode: string | null;
  count: number | null;
  vmSize: string | null;
  /** Nodes get their own public IPs: NodePort and hostPort services are reachable through them. */
  enableNodePublicIP: boolean;
  vnetSubnetId: string | null;
}

/**
 * ManagedCluster node properties (flat): `kubernetesVersion`, `privateCluster`,
 * `authorizedIpRanges` (string[]), `apiServerFqdn`, `nodeResourceGroup`,
 * `networkPlugin`, `networkPolicy` (null when none is enforced), `agentPools`
 * (JSON AgentPool[]), `nodeResourceGroupId`.
 */
export interface ManagedClusterRecord {
  privateCluster: boolean;
  authorizedIpRanges: string[];
  networkPolicy: string | null;
  agentPools: AgentPool[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }>;
}

/**
 * Whether labels satisfy a selector, as the API server decides (matchLabels
 * and every matchExpression; the empty selector matches everything). Stored
 * graphs are read back too, so fields may be missing and an operator the API
 * server would reject selects nothing.
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        // A missing key satisfies NotIn.
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export interface ContainerPort {
  name: string | null;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostPort: number | null;
}

/** One container's security-relevant settings; pod-level settings are folded in where Kubernetes inherits them. */
export interface ContainerRecord {
  name: string;
  /** Init containers run to completion before the pod serves; they are kept for the BOM. */
  init: boolean;
  /** The image reference in the spec, e.g. `nginx:1.25` or `myacr.azurecr.io/web@sha256:…`. */
  image: string;
  /** `status.containerStatuses[].imageID`, normalised to `<registry>/<repository>@sha256:…`; null when not running or unknown. */
  runningImage: string | null;
  registry: string;
  repository: string;
  tag: string | null;
  /** The digest the spec pins, if any. */
  specDigest: string | null;
  /** The digest actually running, from imageID. */
  runningDigest: string | null;
  /**
   * Where runningDigest comes from: `repository` (imageID names a registry
   * digest), `spec` (imageID held only a local image id; the digest the spec
   * pins stands in), `image-id` (only the local image id is known: it is not a
   * registry manifest digest and will not match one); null when none is known.
   */
  runningDigestSource: 'repository' | 'spec' | 'image-id' | null;
  ports: ContainerPort[];
  privileged: boolean;
  allowPrivilegeEscalation: boolean | null;
  runAsNonRoot: boolean | null;
  runAsUser: number | null;
  /** True when the container may run as root: runAsUser 0, or neither runAsNonRoot nor a non-zero runAsUser. */
  runsAsRoot: boolean;
  addedCapabilities: string[];
  readOnlyRootFilesystem: boolean | null;
}

/**
 * KubernetesPod node properties (flat): `namespace`, `labels` (JSON
 * Record<string,string>), `phase`, `nodeName`, `serviceAccountName`,
 * `hostNetwork`, `hostPID`, `hostIPC`, `hostPathVolumes` (string[] of paths),
 * `automountServiceAccountToken` (boolean|null), `privileged` (any container),
 * `runsAsRoot` (any container), `containers` (JSON ContainerRecord[]),
 * `ownerWorkloadId` (the top owning workload's id, or null for a bare pod),
 * `podIPs` (string[]).
 */
export interface PodRecord {
  labels: Record<string, string>;
  containers: ContainerRecord[];
}

/**
 * KubernetesWorkload properties (flat): `namespace`, `workloadKind`
 * (Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob), `replicas`,
 * `labels` (JSON), `podTemplateLabels` (JSON), `selector` (JSON LabelSelector),
 * `containers` (JSON ContainerRecord[] from the pod template, runningImage null),
 * plus the same security flags as pods.
 */

export interface ServicePort {
  name: string | null;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  /** A number, or the name of a container port. */
  targetPort: number | string;
  nodePort: number | null;
}

/**
 * KubernetesService properties (flat): `namespace`, `serviceType`
 * (ClusterIP|NodePort|LoadBalancer|ExternalName), `selector` (JSON
 * Record<string,string>), `ports` (JSON ServicePort[]), `internal` (the
 * azure-load-balancer-internal annotation is "true"), `loadBalancerSourceRanges`
 * (string[], from spec and the azure-allowed-ip-ranges annotation),
 * `allowedServiceTags` (string[], azure-allowed-service-tags annotation),
 * `loadBalancerIPs` (string[], status.loadBalancer.ingress IPs),
 * `externalTrafficPolicy`.
 */
export interface ServiceRecord {
  serviceType: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector: Record<string, string>;
  ports: ServicePort[];
}

/** One routed backend of an Ingress (rules, paths and the default backend flattened). */
export interface IngressRoute {
  host: string | null;
  path: string | null;
  serviceName: string;
  /** A number, or a service port name. */
  servicePort: number | string;
}

/**
 * KubernetesIngress properties (flat): `namespace`, `ingressClassName`
 * (spec.ingressClassName or the kubernetes.io/ingress.class annotation),
 * `routes` (JSON IngressRoute[]), `tlsHosts` (string[]).
 * KubernetesIngressClass: `controller` (e.g. k8s.io/ingress-nginx), `isDefault`.
 */

export interface NetworkPolicyPeer {
  /** null: any pod (in the namespaces selected). */
  podSelector: LabelSelector | null;
  /** null: the policy's own namespace (when podSelector is set) — see Kubernetes semantics. */
  namespaceSelector: LabelSelector | null;
  ipBlock: { cidr: string; except: string[] } | null;
}

export interface NetworkPolicyPort {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** null: all ports; a number or a named container port. */
  port: number | string | null;
  endPort: number | null;
}

export interface NetworkPolicyIngressRule {
  /** Empty: from everywhere. */
  from: NetworkPolicyPeer[];
  /** Empty: all ports. */
  ports: NetworkPolicyPort[];
}

/**
 * KubernetesNetworkPolicy properties (flat): `namespace`, `podSelector` (JSON
 * LabelSelector), `policyTypes` (string[]), `ingressRules` (JSON
 * NetworkPolicyIngressRule[]).
 */
export interface NetworkPolicyRecord {
  podSelector: LabelSelector;
  policyTypes: string[];
  ingressRules: NetworkPolicyIngressRule[];
}
