/**
 * The Cloud BOM as CycloneDX 1.6 JSON, built with @cyclonedx/cyclonedx-library.
 *
 * Document
 *   - `metadata.tools.components`: reachgraph (type application) with its version.
 *   - `metadata.timestamp`, `serialNumber` (`urn:uuid:…`, new per document), `metadata.lifecycles`: `operations`
 *     (what runs, not what was built).
 *   - `metadata.properties`: `reachgraph:unresolved-containers` — how many containers have no known running
 *     digest and so are not components (`--format json` lists them under `unresolved`).
 *
 * One component per running image digest
 *   - `type` container; `name` `<registry>/<repository>`; `version` the digest (`sha256:<hex>`).
 *   - `bom-ref` stable across runs: the graph's ContainerImage id, `image:<registry>/<repository>@<digest>`.
 *   - `purl` `pkg:oci/<name>@sha256%3A<hex>?repository_url=<registry>/<repository>&tag=<tag>` (purl-spec `oci`
 *     type; `tag` is one tag the specs used, a non-`latest` one when there is a choice; all are in `reachgraph:tag`).
 *   - `hashes`: SHA-256 (or SHA-512) of the manifest, the digest's hex.
 *
 * Component properties (deployment context; booleans are `true`/`false`; several properties may share a name):
 *   reachgraph:image                       `<registry>/<repository>@<digest>`, as the container runtime reports it
 *   reachgraph:image:alias                 another `<registry>/<repository>@<digest>` of the same content, one each
 *   reachgraph:tag                         a tag the specs used for this digest, one each
 *   reachgraph:location                    `<subscription>/<cluster>/<namespace>/<workloadKind>/<workload>`, one per
 *                                          place the digest runs (`workloadKind` `Pod` for a pod without owner)
 *   reachgraph:location:replicas           `<location>=<n>`: desired replicas of that workload, where the spec says
 *   reachgraph:replicas                    desired replicas summed over the locations that state them (absent when
 *                                          none does, e.g. only DaemonSets and bare pods)
 *   reachgraph:pods                        pods running the digest now
 *   reachgraph:exposed                     some location is reachable from the internet
 *   reachgraph:exposure:width              `wide` (some port admitted from any internet address) or `narrow`; exposed only
 *   reachgraph:exposure:ports              reachable ports over all exposed locations, e.g. `tcp/443,udp/5000-5010`
 *   reachgraph:exposure:location           an exposed `<location>`, one each
 *   reachgraph:exposure:path               node ids from `internet` to the widest exposed workload, joined by ` > `
 *   reachgraph:attack-path                 id of an attack path starting at an exposed location (after `recompute`)
 *   reachgraph:security:privileged         some container running the digest is privileged
 *   reachgraph:security:runsAsRoot         … may run as root (runAsUser 0, or no runAsNonRoot / non-zero runAsUser)
 *   reachgraph:security:hostNetwork        … is in a pod on the node's network
 *   reachgraph:security:hostPath           … is in a pod that mounts a hostPath volume
 *   reachgraph:security:allowPrivilegeEscalation  … does not set allowPrivilegeEscalation: false (Kubernetes allows it by default)
 *   reachgraph:security:addedCapabilities  Linux capabilities added, comma-separated (present only when some are)
 */
import { randomUUID } from 'node:crypto';
import { Enums, Models, Serialize, Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { formatExposedPort } from '../analysis/severity.js';
import type { BomImage, CloudBom } from './bom.js';
import { splitDigest } from './image-ref.js';
import type { ImageLocation } from './running-images.js';

export const CYCLONEDX_SPEC_VERSION = '1.6';
export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json; version=1.6';

export interface CycloneDxOptions {
  /** Defaults to now. */
  timestamp?: Date;
  /** `urn:uuid:<uuid>`; defaults to a new random one. */
  serialNumber?: string;
}

/** `<subscription>/<cluster>/<namespace>/<workloadKind>/<workload>`. */
export function locationLabel(location: Pick<ImageLocation, 'subscriptionId' | 'clusterName' | 'namespace' | 'workloadKind' | 'workloadName'>): string {
  return [location.subscriptionId ?? 'unknown', location.clusterName, location.namespace, location.workloadKind, location.workloadName].join('/');
}

const HASH_BY_ALGORITHM: Readonly<Record<string, { alg: Enums.HashAlgorithm; hexLength: number }>> = {
  sha256: { alg: Enums.HashAlgorithm['SHA-256'], hexLength: 64 },
  sha384: { alg: Enums.HashAlgorithm['SHA-384'], hexLength: 96 },
  sha512: { alg: Enums.HashAlgorithm['SHA-512'], hexLength: 128 },
};

/** The component properties documented above, in a fixed order. */
export function componentProperties(image: BomImage): Array<[name: string, value: string]> {
  const properties: Array<[string, string]> = [['reachgraph:image', image.image]];
  for (const alias of image.aliases) properties.push(['reachgraph:image:alias', alias]);
  for (const tag of image.tags) properties.push(['reachgraph:tag', tag]);
  for (const location of image.locations) properties.push(['reachgraph:location', locationLabel(location)]);
  for (const location of image.locations) {
    if (location.replicas !== null) properties.push(['reachgraph:location:replicas', `${locationLabel(location)}=${location.replicas}`]);
  }
  const stated = image.locations.filter((location) => location.replicas !== null);
  if (stated.length > 0) properties.push(['reachgraph:replicas', String(stated.reduce((sum, location) => sum + location.replicas!, 0))]);
  properties.push(['reachgraph:pods', String(image.locations.reduce((sum, location) => sum + location.pods, 0))]);
  properties.push(['reachgraph:exposed', String(image.exposed)]);
  if (image.exposure) {
    properties.push(['reachgraph:exposure:width', image.exposure.width]);
    properties.push(['reachgraph:exposure:ports', image.exposure.ports.map(formatExposedPort).join(',')]);
    for (const location of image.locations) if (location.exposed) properties.push(['reachgraph:exposure:location', locationLabel(location)]);
    if (image.exposure.pathIds.length > 0) properties.push(['reachgraph:exposure:path', image.exposure.pathIds.join(' > ')]);
    for (const id of image.exposure.attackPathIds) properties.push(['reachgraph:attack-path', id]);
  }
  const { security } = image;
  properties.push(['reachgraph:security:privileged', String(security.privileged)]);
  properties.push(['reachgraph:security:runsAsRoot', String(security.runsAsRoot)]);
  properties.push(['reachgraph:security:hostNetwork', String(security.hostNetwork)]);
  properties.push(['reachgraph:security:hostPath', String(security.hostPath)]);
  properties.push(['reachgraph:security:allowPrivilegeEscalation', String(security.allowPrivilegeEscalation)]);
  if (security.addedCapabilities.length > 0) properties.push(['reachgraph:security:addedCapabilities', security.addedCapabilities.join(',')]);
  return properties;
}

function toComponent(image: BomImage): Models.Component {
  const name = image.registry ? `${image.registry}/${image.repository}` : image.repository || image.digest;
  const component = new Models.Component(Enums.ComponentType.Container, name, {
    bomRef: image.bomRef,
    version: image.digest,
    purl: image.purl,
  });
  const [algorithm, hex] = splitDigest(image.digest);
  const hash = HASH_BY_ALGORITHM[algorithm];
  if (hash && hex.length === hash.hexLength && /^[a-f0-9]+$/.test(hex)) component.hashes.set(hash.alg, hex);
  for (const [propertyName, value] of componentProperties(image)) component.properties.add(new Models.Property(propertyName, value));
  return component;
}

/** The CycloneDX model of a Cloud BOM. */
export function toCycloneDxModel(bom: CloudBom, options: CycloneDxOptions = {}): Models.Bom {
  const document = new Models.Bom({ serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}` });
  document.metadata.timestamp = options.timestamp ?? new Date();
  document.metadata.lifecycles.add(Enums.LifecyclePhase.Operations);
  document.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, bom.tool.name, { version: bom.tool.version }));
  document.metadata.properties.add(new Models.Property('reachgraph:unresolved-containers', String(bom.unresolved.length)));
  for (const image of bom.images) document.components.add(toComponent(image));
  return document;
}

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

/** CycloneDX 1.6 JSON text; lists sorted so the same BOM serialises the same way (bar timestamp and serial number). */
export function toCycloneDxJson(bom: CloudBom, options: CycloneDxOptions & { space?: number } = {}): string {
  return serializer.serialize(toCycloneDxModel(bom, options), { sortLists: true, space: options.space ?? 2 });
}

let validator: Validation.JsonStrictValidator | undefined;

/**
 * Validates CycloneDX JSON text against the 1.6 JSON schema (strict: no
 * unknown properties). Resolves to null when valid, else the validator's error
 * details. Needs the optional dependencies ajv, ajv-formats and ajv-formats-draft2019.
 */
export async function validateCycloneDx(json: string): Promise<unknown> {
  validator ??= new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  return (await validator.validate(json)) ?? null;
}
