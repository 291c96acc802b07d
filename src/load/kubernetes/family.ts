import type { KubernetesKind, KubernetesObject } from '../../snapshot/read-kubernetes.js';
import type { TransformContext } from '../context.js';
import type { ClusterView } from './cluster.js';

/**
 * One Kubernetes family: the kinds it understands and how their objects become
 * nodes and edges. The counterpart of an Azure ResourceFamily; what it writes
 * is stamped with its `key` and the cluster's ARM id (lowercased) as scope.
 */
export interface KubernetesFamily {
  /** Names the family in snapshot manifests and in the `syncFamily` property of what it writes. */
  key: string;
  name: string;
  kinds: readonly KubernetesKind[];
  transform(object: KubernetesObject, cluster: ClusterView, context: TransformContext): void;
}
