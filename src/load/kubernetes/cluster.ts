/**
 * One cluster's dump, indexed for the families: object lookup by kind,
 * namespace and name, ids, containment and owner chains. A family reads the
 * whole cluster through it (to resolve selectors and references both ways)
 * and never keeps module-level state.
 */
import { kubernetesObjectId, normalizeId } from '../../model/ids.js';
import { ClusterScopedKinds, type KubernetesClusterDump, type KubernetesKind, type KubernetesObject } from '../../snapshot/read-kubernetes.js';
import type { TransformContext } from '../context.js';
import { asObject } from '../raw.js';

/** Kinds that run pods: the KubernetesWorkload node kind. */
export const WorkloadObjectKinds: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

export class ClusterView {
  readonly id: string;
  private readonly byKey = new Map<string, KubernetesObject>();
  private readonly byKind = new Map<KubernetesKind, KubernetesObject[]>();
  /** Kind → how many references named an object of that kind the dump does not hold. */
  readonly missing = new Map<string, number>();

  constructor(
    clusterId: string,
    readonly dump: KubernetesClusterDump,
  ) {
    this.id = normalizeId(clusterId);
    for (const object of dump.objects) {
      this.byKey.set(this.key(object.kind, object.namespace, object.name), object);
      const list = this.byKind.get(object.kind) ?? [];
      list.push(object);
      this.byKind.set(object.kind, list);
    }
  }

  private key(kind: string, namespace: string | null, name: string): string {
    return `${kind.toLowerCase()}|${ClusterScopedKinds.has(kind as KubernetesKind) ? '' : (namespace ?? '')}|${name}`;
  }

  /** `<cluster id>/k8s/<namespace or _cluster>/<kind>/<name>` (model/ids.ts). */
  idFor(kind: string, namespace: string | null, name: string): string {
    return kubernetesObjectId(this.id, ClusterScopedKinds.has(kind as KubernetesKind) ? null : namespace, kind.toLowerCase(), name);
  }

  idOf(object: KubernetesObject): string {
    return this.idFor(object.kind, object.namespace, object.name);
  }

  get(kind: string, namespace: string | null, name: string): KubernetesObject | undefined {
    return this.byKey.get(this.key(kind, namespace, name));
  }

  ofKind(kind: KubernetesKind): readonly KubernetesObject[] {
    return this.byKind.get(kind) ?? [];
  }

  podsIn(namespace: string | null): KubernetesObject[] {
    return this.ofKind('Pod').filter((pod) => pod.namespace === namespace);
  }

  /**
   * A namespace's labels, with `kubernetes.io/metadata.name` (which the API
   * server sets on every namespace) when the dump lacks it; namespaceSelectors
   * name namespaces by it.
   */
  namespaceLabels(namespace: string): Record<string, string> {
    const labels = this.get('Namespace', null, namespace)?.labels ?? {};
    return { 'kubernetes.io/metadata.name': namespace, ...labels };
  }

  /** Records a reference to an object the dump does not hold; reported once per cluster. */
  noteMissing(kind: string): void {
    this.missing.set(kind, (this.missing.get(kind) ?? 0) + 1);
  }

  /** The CONTAINS parent: the object's namespace when the dump holds it, else the cluster itself. */
  containerOf(object: KubernetesObject): string {
    if (object.namespace === null) return this.id;
    return this.get('Namespace', null, object.namespace) ? this.idFor('Namespace', null, object.namespace) : this.id;
  }

  /** The workload that controls an object: the controller owner reference of a workload kind (else the first such). */
  ownerOf(object: KubernetesObject): { kind: string; name: string; object: KubernetesObject | undefined } | null {
    const candidates = object.ownerReferences.filter((reference) => WorkloadObjectKinds.has(reference.kind));
    const reference = candidates.find((candidate) => candidate.controller) ?? candidates[0];
    if (!reference) return null;
    return { kind: reference.kind, name: reference.name, object: this.get(reference.kind, object.namespace, reference.name) };
  }

  /**
   * The top owning workload held in the dump: pod → replica set → deployment,
   * pod → job → cron job. Null for an object no loaded workload owns.
   */
  topOwner(object: KubernetesObject): KubernetesObject | null {
    let top: KubernetesObject | null = null;
    const seen = new Set<KubernetesObject>([object]);
    for (let owner = this.ownerOf(object); owner?.object && !seen.has(owner.object); owner = this.ownerOf(owner.object)) {
      top = owner.object;
      seen.add(owner.object);
    }
    return top;
  }

  /** Adds the CONTAINS edge to the object's namespace (or cluster) and the OWNS edge from its owner when loaded. */
  linkObject(object: KubernetesObject, context: TransformContext): string {
    const id = this.idOf(object);
    context.addEdge(this.containerOf(object), 'CONTAINS', id);
    const owner = this.ownerOf(object);
    if (owner?.object) context.addEdge(this.idOf(owner.object), 'OWNS', id);
    else if (owner) this.noteMissing(owner.kind);
    return id;
  }

  /** Properties every Kubernetes node carries. */
  baseProperties(object: KubernetesObject): { name: string; namespace: string | null; clusterId: string; uid: string | null; apiVersion: string | null } {
    return { name: object.name, namespace: object.namespace, clusterId: this.id, uid: object.uid, apiVersion: object.apiVersion };
  }
}

/** `spec.template` of a pod-running object (`spec.jobTemplate.spec.template` for a CronJob). */
export function podTemplateOf(object: KubernetesObject): { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  const template = object.kind === 'CronJob' ? asObject(asObject(asObject(object.spec.jobTemplate)?.spec)?.template) : asObject(object.spec.template);
  return { metadata: asObject(template?.metadata) ?? {}, spec: asObject(template?.spec) ?? {} };
}
