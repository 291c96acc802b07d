/**
 * The security-relevant reading of a pod spec (a pod's own, or a workload's
 * pod template): containers with their images and security contexts, pod-level
 * settings folded in where Kubernetes inherits them.
 */
import type { ContainerPort, ContainerRecord } from '../../model/kubernetes.js';
import type { Properties } from '../../model/graph.js';
import { asObject, integer, objects, type RawObject, text, texts } from '../raw.js';
import type { ClusterView } from './cluster.js';
import { parseImageId, parseImageReference } from './images.js';

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function protocol(value: unknown): 'TCP' | 'UDP' | 'SCTP' {
  const upper = text(value)?.toUpperCase();
  return upper === 'UDP' || upper === 'SCTP' ? upper : 'TCP';
}

function containerPorts(raw: unknown): ContainerPort[] {
  return objects(raw).flatMap((port) => {
    const containerPort = integer(port.containerPort);
    if (containerPort === null) return [];
    return [{ name: text(port.name), containerPort, protocol: protocol(port.protocol), hostPort: integer(port.hostPort) }];
  });
}

/** `NET_ADMIN` and `CAP_NET_ADMIN` are the same capability; kept uppercase without the prefix. */
function capabilities(values: unknown): string[] {
  return [...new Set(texts(values).map((value) => value.trim().toUpperCase().replace(/^CAP_/, '')))].filter((value) => value !== '').sort();
}

/** What the kubelet reports for a container: a digest and where it came from (see ContainerRecord.runningDigestSource). */
function runningImage(
  status: RawObject | undefined,
  spec: { registry: string; repository: string; digest: string | null },
): Pick<ContainerRecord, 'runningImage' | 'runningDigest' | 'runningDigestSource'> & { runningRegistry: string; runningRepository: string } {
  const unknown = { runningImage: null, runningDigest: null, runningDigestSource: null, runningRegistry: spec.registry, runningRepository: spec.repository };
  if (!status) return unknown;
  const parsed = parseImageId(text(status.imageID));
  if (parsed.kind === 'repository') {
    return {
      runningImage: `${parsed.registry}/${parsed.repository}@${parsed.digest}`,
      runningDigest: parsed.digest,
      runningDigestSource: 'repository',
      runningRegistry: parsed.registry,
      runningRepository: parsed.repository,
    };
  }
  if (parsed.kind === 'image-id') {
    // A local image id names no registry manifest; the digest the spec pins (what the kubelet pulled) is the better source.
    const digest = spec.digest ?? parsed.digest;
    return {
      runningImage: `${spec.registry}/${spec.repository}@${digest}`,
      runningDigest: digest,
      runningDigestSource: spec.digest ? 'spec' : 'image-id',
      runningRegistry: spec.registry,
      runningRepository: spec.repository,
    };
  }
  return unknown;
}

export interface ContainerReading {
  record: ContainerRecord;
  /** Where the running digest lives (the imageID's repository, else the spec's). */
  runningRegistry: string;
  runningRepository: string;
}

function readContainer(raw: RawObject, init: boolean, pod: RawObject, status: RawObject | undefined): ContainerReading {
  const image = text(raw.image) ?? '';
  const reference = parseImageReference(image);
  const security = asObject(raw.securityContext) ?? {};
  const podSecurity = asObject(pod.securityContext) ?? {};
  const privileged = security.privileged === true;
  const added = capabilities(asObject(security.capabilities)?.add);
  const runAsUser = integer(security.runAsUser) ?? integer(podSecurity.runAsUser);
  const runAsNonRoot = bool(security.runAsNonRoot) ?? bool(podSecurity.runAsNonRoot);
  // Kubernetes forces privilege escalation on for privileged containers and those granted CAP_SYS_ADMIN.
  const allowPrivilegeEscalation = privileged || added.includes('SYS_ADMIN') ? true : bool(security.allowPrivilegeEscalation);
  const running = runningImage(status, reference);
  return {
    record: {
      name: text(raw.name) ?? '',
      init,
      image,
      runningImage: running.runningImage,
      registry: reference.registry,
      repository: reference.repository,
      tag: reference.tag,
      specDigest: reference.digest,
      runningDigest: running.runningDigest,
      runningDigestSource: running.runningDigestSource,
      ports: containerPorts(raw.ports),
      privileged,
      allowPrivilegeEscalation,
      runAsNonRoot,
      runAsUser,
      // May run as root: uid 0, or nothing (runAsNonRoot, a non-zero uid) rules it out and the image decides.
      runsAsRoot: runAsUser === 0 || (runAsNonRoot !== true && runAsUser === null),
      addedCapabilities: added,
      readOnlyRootFilesystem: bool(security.readOnlyRootFilesystem),
    },
    runningRegistry: running.runningRegistry,
    runningRepository: running.runningRepository,
  };
}

export interface PodSpecReading {
  containers: ContainerReading[];
  /** The flat properties pods and workloads share (model/kubernetes.ts). */
  properties: Properties;
}

/**
 * Reads a pod spec and, for a pod, its status. `automountServiceAccountToken`
 * is the pod's own setting, else its service account's (true when the account
 * is in the dump and says nothing: the Kubernetes default), else null: unknown
 * without the account.
 */
export function readPodSpec(spec: RawObject, status: RawObject | null, namespace: string | null, cluster: ClusterView): PodSpecReading {
  const statusByName = (list: unknown) => new Map(objects(list).map((item) => [text(item.name) ?? '', item] as const));
  const running = statusByName(status?.containerStatuses);
  const runningInit = statusByName(status?.initContainerStatuses);
  const containers = [
    ...objects(spec.initContainers).map((raw) => readContainer(raw, true, spec, runningInit.get(text(raw.name) ?? ''))),
    ...objects(spec.containers).map((raw) => readContainer(raw, false, spec, running.get(text(raw.name) ?? ''))),
  ];
  const serviceAccountName = text(spec.serviceAccountName) ?? text(spec.serviceAccount) ?? 'default';
  const serviceAccount = cluster.get('ServiceAccount', namespace, serviceAccountName);
  const accountSetting = serviceAccount ? (bool(serviceAccount.raw.automountServiceAccountToken) ?? true) : null;
  const hostPathVolumes = objects(spec.volumes)
    .map((volume) => text(asObject(volume.hostPath)?.path))
    .filter((item): item is string => item !== null);
  const records = containers.map((container) => container.record);
  return {
    containers,
    properties: {
      serviceAccountName,
      hostNetwork: spec.hostNetwork === true,
      hostPID: spec.hostPID === true,
      hostIPC: spec.hostIPC === true,
      hostPathVolumes: [...new Set(hostPathVolumes)],
      automountServiceAccountToken: bool(spec.automountServiceAccountToken) ?? accountSetting,
      privileged: records.some((record) => record.privileged),
      runsAsRoot: records.some((record) => record.runsAsRoot),
      containers: JSON.stringify(records),
    },
  };
}
