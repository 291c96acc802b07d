/**
 * Running images: every image digest a pod actually runs, where it runs, whether
 * the internet reaches it and how it is confined — the list a scanner should
 * scan first. Containers whose running digest is unknown are listed apart
 * (`unresolved`), never dropped.
 */
import type { ExposedAsset, ExposureReport } from '../analysis/exposure.js';
import type { GraphBatch } from '../model/graph.js';
import type { ContainerRecord } from '../model/kubernetes.js';
import { imageName, isImageIdOnly, isUnknownRegistry, parseRunningImage } from './image-ref.js';
import {
  combineExposure,
  exposureIndex,
  type Inventory,
  type PodInfo,
  readInventory,
  type WorkloadExposure,
  type WorkloadInfo,
  workloadExposure,
} from './inventory.js';

/** Security context of the containers running an image, OR-ed over them (any container privileged → privileged). */
export interface SecurityFlags {
  privileged: boolean;
  /** runAsUser 0, or neither runAsNonRoot nor a non-zero runAsUser (model/kubernetes.ts). */
  runsAsRoot: boolean;
  /** The pod shares the node's network namespace. */
  hostNetwork: boolean;
  /** The pod mounts a hostPath volume. */
  hostPath: boolean;
  /** allowPrivilegeEscalation true or unset (Kubernetes allows escalation unless it is set to false), or privileged. */
  allowPrivilegeEscalation: boolean;
  /** Linux capabilities added to the default set, uppercased, sorted. */
  addedCapabilities: string[];
}

/** Where an image is used: one workload in one namespace of one cluster. */
export interface WorkloadPlace {
  subscriptionId: string | null;
  clusterId: string;
  clusterName: string;
  namespace: string;
  workloadId: string;
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, or Pod for a pod without owner. */
  workloadKind: string;
  workloadName: string;
}

export interface ImageLocation extends WorkloadPlace {
  /** Desired replicas from the workload spec; null when the spec does not say. */
  replicas: number | null;
  /** Pods of this workload running the image now. */
  pods: number;
  /** Names of the containers running the image, sorted. */
  containers: string[];
  /** The subset of `containers` that are init containers. */
  initContainers: string[];
  exposed: boolean;
  exposure: WorkloadExposure | null;
  security: SecurityFlags;
}

export interface RunningImage {
  /** `sha256:<hex>`, the key. */
  digest: string;
  /** `<registry>/<repository>@<digest>` as the node's container runtime reports it. */
  image: string;
  /** '' when no registry could be resolved (the runtime reported only an image id). */
  registry: string;
  repository: string;
  /** Tags the specs used for this digest, sorted. */
  tags: string[];
  /** Other `<registry>/<repository>@<digest>` names of the same content (the same digest pushed to several repositories). */
  aliases: string[];
  locations: ImageLocation[];
  exposed: boolean;
  /** Over all locations: wide if any is wide, ports merged, the path of the widest. */
  exposure: WorkloadExposure | null;
  security: SecurityFlags;
}

export interface UnresolvedContainer {
  clusterId: string;
  namespace: string;
  podId: string;
  podName: string;
  workloadId: string;
  workloadKind: string;
  workloadName: string;
  container: string;
  init: boolean;
  /** The spec's image reference. */
  image: string;
  phase: string | null;
  /**
   * `not-running`: the container reports no running image (pod pending, failed, completed);
   * `image-id-only`: the runtime reported only a local image id, which is not a registry manifest digest;
   * `no-digest`: it runs, but the runtime reported no digest at all.
   */
  reason: 'not-running' | 'image-id-only' | 'no-digest';
  /** The local image id, for `image-id-only`. */
  imageId: string | null;
  exposed: boolean;
}

export interface RunningImagesReport {
  images: RunningImage[];
  unresolved: UnresolvedContainer[];
}

export function emptySecurity(): SecurityFlags {
  return { privileged: false, runsAsRoot: false, hostNetwork: false, hostPath: false, allowPrivilegeEscalation: false, addedCapabilities: [] };
}

export function securityOf(container: ContainerRecord, pod: { hostNetwork: boolean; hostPathVolumes: readonly string[] }): SecurityFlags {
  return {
    privileged: container.privileged,
    runsAsRoot: container.runsAsRoot,
    hostNetwork: pod.hostNetwork,
    hostPath: pod.hostPathVolumes.length > 0,
    allowPrivilegeEscalation: container.privileged || container.allowPrivilegeEscalation !== false,
    addedCapabilities: container.addedCapabilities.map((capability) => capability.toUpperCase()).sort(),
  };
}

export function mergeSecurity(flags: readonly SecurityFlags[]): SecurityFlags {
  return {
    privileged: flags.some((flag) => flag.privileged),
    runsAsRoot: flags.some((flag) => flag.runsAsRoot),
    hostNetwork: flags.some((flag) => flag.hostNetwork),
    hostPath: flags.some((flag) => flag.hostPath),
    allowPrivilegeEscalation: flags.some((flag) => flag.allowPrivilegeEscalation),
    addedCapabilities: [...new Set(flags.flatMap((flag) => flag.addedCapabilities))].sort(),
  };
}

/** The names and registry a running container's image resolves to: the runtime's report first, the spec's as fallback. */
export function runningName(container: ContainerRecord): { registry: string; repository: string } {
  const running = parseRunningImage(container.runningImage);
  if (running && running.repository !== '' && !isUnknownRegistry(running.registry)) return running;
  if (container.repository !== '' && !isImageIdOnly(container.image)) return { registry: container.registry, repository: container.repository };
  return running ?? { registry: '', repository: container.repository };
}

/** The registry manifest digest a container runs: null when unknown or only a local image id is known. */
export function registryDigest(container: ContainerRecord): string | null {
  return container.runningDigestSource === 'image-id' ? null : container.runningDigest;
}

/** Sort key for "scan this first": wide exposure, then narrow, then none. */
export function exposureRank(exposure: WorkloadExposure | null): number {
  return exposure === null ? 2 : exposure.width === 'wide' ? 0 : 1;
}

interface LocationDraft {
  workload: WorkloadInfo;
  pods: Set<string>;
  containers: Set<string>;
  initContainers: Set<string>;
  security: SecurityFlags[];
}

interface ImageDraft {
  digest: string;
  /** `registry/repository` → how many containers use that name for the digest. */
  names: Map<string, { registry: string; repository: string; count: number }>;
  tags: Set<string>;
  locations: Map<string, LocationDraft>;
}

function unresolvedOf(pod: PodInfo, workload: WorkloadInfo, container: ContainerRecord, exposed: boolean): UnresolvedContainer {
  return {
    clusterId: workload.cluster.id,
    namespace: pod.namespace,
    podId: pod.id,
    podName: pod.name,
    workloadId: workload.id,
    workloadKind: workload.workloadKind,
    workloadName: workload.name,
    container: container.name,
    init: container.init,
    image: container.image,
    phase: pod.phase,
    reason: container.runningDigestSource === 'image-id' ? 'image-id-only' : container.runningImage ? 'no-digest' : 'not-running',
    imageId: container.runningDigestSource === 'image-id' ? container.runningDigest : null,
    exposed,
  };
}

function placeOf(workload: WorkloadInfo): WorkloadPlace {
  return {
    subscriptionId: workload.cluster.subscriptionId,
    clusterId: workload.cluster.id,
    clusterName: workload.cluster.name,
    namespace: workload.namespace,
    workloadId: workload.id,
    workloadKind: workload.workloadKind,
    workloadName: workload.name,
  };
}

function toLocation(draft: LocationDraft, assets: Map<string, ExposedAsset>, inventory: Inventory): ImageLocation {
  const { workload } = draft;
  const exposure = workloadExposure(workload.id, assets, inventory);
  return {
    ...placeOf(workload),
    replicas: workload.replicas,
    pods: draft.pods.size,
    containers: [...draft.containers].sort(),
    initContainers: [...draft.initContainers].sort(),
    exposed: exposure !== null,
    exposure,
    security: mergeSecurity(draft.security),
  };
}

function compareLocations(a: ImageLocation, b: ImageLocation): number {
  return exposureRank(a.exposure) - exposureRank(b.exposure) || a.workloadId.localeCompare(b.workloadId);
}

/** Exposed first (wide before narrow), then the images that run in the most places and pods, then by name. */
export function compareRunningImages(a: RunningImage, b: RunningImage): number {
  const pods = (image: RunningImage) => image.locations.reduce((sum, location) => sum + location.pods, 0);
  return (
    exposureRank(a.exposure) - exposureRank(b.exposure) ||
    b.locations.length - a.locations.length ||
    pods(b) - pods(a) ||
    a.image.localeCompare(b.image) ||
    a.digest.localeCompare(b.digest)
  );
}

/** Unique running digests from an inventory; images in no particular order. */
export function collectRunningImages(inventory: Inventory, report: ExposureReport): RunningImagesReport {
  const assets = exposureIndex(report);
  const drafts = new Map<string, ImageDraft>();
  const unresolved: UnresolvedContainer[] = [];
  for (const workload of inventory.workloads.values()) {
    for (const pod of workload.pods) {
      for (const container of pod.containers) {
        const digest = registryDigest(container);
        if (!digest) {
          unresolved.push(unresolvedOf(pod, workload, container, assets.has(workload.id)));
          continue;
        }
        const draft = drafts.get(digest) ?? { digest, names: new Map(), tags: new Set(), locations: new Map() };
        drafts.set(digest, draft);
        const { registry, repository } = runningName(container);
        const key = imageName(registry, repository);
        const name = draft.names.get(key) ?? { registry: isUnknownRegistry(registry) ? '' : registry, repository, count: 0 };
        draft.names.set(key, name);
        name.count += 1;
        if (container.tag) draft.tags.add(container.tag);
        const location = draft.locations.get(workload.id) ?? { workload, pods: new Set(), containers: new Set(), initContainers: new Set(), security: [] };
        draft.locations.set(workload.id, location);
        location.pods.add(pod.id);
        location.containers.add(container.name);
        if (container.init) location.initContainers.add(container.name);
        location.security.push(securityOf(container, pod));
      }
    }
  }

  const images: RunningImage[] = [...drafts.values()].map((draft) => {
    // The name most containers use is the image's name; ties go to a name with a registry, then alphabetical.
    const names = [...draft.names.values()].sort(
      (a, b) =>
        b.count - a.count ||
        Number(a.registry === '') - Number(b.registry === '') ||
        imageName(a.registry, a.repository).localeCompare(imageName(b.registry, b.repository)),
    );
    const reference = (name: { registry: string; repository: string }) => {
      const base = imageName(name.registry, name.repository);
      return base ? `${base}@${draft.digest}` : draft.digest;
    };
    const primary = names[0]!;
    const locations = [...draft.locations.values()].map((location) => toLocation(location, assets, inventory)).sort(compareLocations);
    const exposure = combineExposure(locations.map((location) => location.exposure));
    return {
      digest: draft.digest,
      image: reference(primary),
      registry: primary.registry,
      repository: primary.repository,
      tags: [...draft.tags].sort(),
      aliases: names.slice(1).map(reference).sort(),
      locations,
      exposed: exposure !== null,
      exposure,
      security: mergeSecurity(locations.map((location) => location.security)),
    };
  });
  unresolved.sort((a, b) => Number(b.exposed) - Number(a.exposed) || a.podId.localeCompare(b.podId) || a.container.localeCompare(b.container));
  return { images, unresolved };
}

/** Running images sorted for scanning: exposed first (wide before narrow), then by how many places run them. */
export function runningImages(graph: GraphBatch, report: ExposureReport): RunningImagesReport {
  const result = collectRunningImages(readInventory(graph), report);
  return { images: result.images.sort(compareRunningImages), unresolved: result.unresolved };
}

// ---------------------------------------------------------------------------------------------
// Images referenced by specs (`reachgraph images` without --running)

export interface ReferencedImageLocation extends WorkloadPlace {
  containers: string[];
  exposed: boolean;
}

export interface ReferencedImage {
  /** The spec's reference, normalised: `<registry>/<repository>[:<tag>][@<digest>]`. */
  reference: string;
  registry: string;
  repository: string;
  tag: string | null;
  /** The digest the spec pins, if any. */
  specDigest: string | null;
  /** Some pod runs a container with this reference (its digest may be unknown: see `runningDigests`). */
  running: boolean;
  /** The registry digests pods run for this reference, sorted; empty when the runtime reported only a local image id. */
  runningDigests: string[];
  locations: ReferencedImageLocation[];
  exposed: boolean;
}

export interface ReferencedImagesReport {
  images: ReferencedImage[];
}

export function specReference(container: Pick<ContainerRecord, 'image' | 'registry' | 'repository' | 'tag' | 'specDigest'>): string {
  if (container.repository === '' || isImageIdOnly(container.image)) return container.image;
  return `${imageName(container.registry, container.repository)}${container.tag ? `:${container.tag}` : ''}${container.specDigest ? `@${container.specDigest}` : ''}`;
}

/** Every image reference in workload templates and pod specs, flagged with whether (and which digests) it runs. */
export function referencedImages(graph: GraphBatch, report: ExposureReport): ReferencedImagesReport {
  const inventory = readInventory(graph);
  const assets = exposureIndex(report);
  interface Draft {
    container: ContainerRecord;
    running: boolean;
    digests: Set<string>;
    locations: Map<string, { workload: WorkloadInfo; containers: Set<string> }>;
  }
  const drafts = new Map<string, Draft>();
  const note = (workload: WorkloadInfo, container: ContainerRecord) => {
    const reference = specReference(container);
    const draft = drafts.get(reference) ?? { container, running: false, digests: new Set(), locations: new Map() };
    drafts.set(reference, draft);
    const location = draft.locations.get(workload.id) ?? { workload, containers: new Set() };
    draft.locations.set(workload.id, location);
    location.containers.add(container.name);
    if (container.runningDigest) draft.running = true;
    const digest = registryDigest(container);
    if (digest) draft.digests.add(digest);
  };
  for (const workload of inventory.workloads.values()) {
    // Owned workloads (a Deployment's ReplicaSets) repeat their owner's template or keep rollout history.
    if (workload.ownedBy === null) for (const container of workload.containers) note(workload, container);
    for (const pod of workload.pods) for (const container of pod.containers) note(workload, container);
  }
  const images = [...drafts.entries()].map(([reference, draft]): ReferencedImage => {
    const locations = [...draft.locations.values()]
      .map(({ workload, containers }) => ({
        ...placeOf(workload),
        containers: [...containers].sort(),
        exposed: assets.has(workload.id),
      }))
      .sort((a, b) => Number(b.exposed) - Number(a.exposed) || a.workloadId.localeCompare(b.workloadId));
    return {
      reference,
      registry: draft.container.registry,
      repository: draft.container.repository,
      tag: draft.container.tag,
      specDigest: draft.container.specDigest,
      running: draft.running,
      runningDigests: [...draft.digests].sort(),
      locations,
      exposed: locations.some((location) => location.exposed),
    };
  });
  images.sort((a, b) => Number(b.exposed) - Number(a.exposed) || Number(b.running) - Number(a.running) || a.reference.localeCompare(b.reference));
  return { images };
}
