/**
 * Severity: how bad an internet-exposed workload, or one attack path from it,
 * is. Pure functions of a few named factors, so every score can be explained.
 *
 * Workload score (0–10), the sum of four factors, capped at 10:
 *   exposure      wide 4 · narrow 2 · not exposed → the whole score is 0
 *   admin ports   a management port (SSH, Telnet, RDP, VNC, WinRM) reachable
 *                 from any address 2 · only from named ranges 1 · none 0
 *   privilege     strongest role of the workload's managed identities:
 *                 owner / user-access-admin 2 · contributor 1.5 · data 1 · other 0.5 · reader / none 0
 *   crown jewels  reachable through those identities: none 0 · n ≥ 1 → 1 + 0.5·(n − 1), at most 2
 *
 * Attack-path score (0–10): exposure + admin ports of the entry workload, the
 * path's own privilege (as above), and the target:
 *   subscription takeover, key vault, tagged crown jewel 2 · storage account, SQL server 1.5
 *
 * Bands: ≥ 8 critical · ≥ 6 high · ≥ 4 medium · > 0 low · 0 none.
 *
 * A workload that is not exposed scores 0 ('none') whatever its identities can
 * do: severity ranks what the internet can start. Its privilege and reachable
 * crown jewels are still reported as factors.
 */
import type { NodeKind } from '../model/kinds.js';
import type { Privilege } from '../model/roles.js';
import type { ExposedAsset, ExposedPort } from './exposure.js';
import type { Width } from './reach.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'none';

/** Management ports: a shell or desktop for whoever gets past authentication. */
export const ADMIN_PORTS: ReadonlyArray<{ port: number; service: string }> = [
  { port: 22, service: 'SSH' },
  { port: 23, service: 'Telnet' },
  { port: 3389, service: 'RDP' },
  { port: 5900, service: 'VNC' },
  { port: 5985, service: 'WinRM (HTTP)' },
  { port: 5986, service: 'WinRM (HTTPS)' },
];

/** 'tcp/443', 'tcp/8000-8100', 'udp/0-65535', 'icmp' (NSGs do not filter ICMP by type). */
export function formatExposedPort(port: Pick<ExposedPort, 'protocol' | 'from' | 'to'>): string {
  if (port.protocol === 'icmp') return 'icmp';
  return `${port.protocol}/${port.from === port.to ? port.from : `${port.from}-${port.to}`}`;
}

export interface AdminPortExposure {
  /** 'tcp/22', … in ADMIN_PORTS order. */
  ports: string[];
  /** 'wide' when some admin port is reachable from any internet address; null when none is reachable. */
  width: Width | null;
}

export function adminPortExposure(asset: Pick<ExposedAsset, 'ports' | 'entryPoints'>): AdminPortExposure {
  const covers = (port: Pick<ExposedPort, 'protocol' | 'from' | 'to'>, number: number) =>
    port.protocol === 'tcp' && port.from <= number && number <= port.to;
  const exposed = ADMIN_PORTS.filter(({ port }) => asset.ports.some((range) => covers(range, port)));
  if (exposed.length === 0) return { ports: [], width: null };
  const wide = asset.entryPoints.some((entry) =>
    entry.ports.some((range) => range.width === 'wide' && exposed.some(({ port }) => covers(range, port))),
  );
  return { ports: exposed.map(({ port }) => `tcp/${port}`), width: wide ? 'wide' : 'narrow' };
}

const EXPOSURE_POINTS: Readonly<Record<Width, number>> = { wide: 4, narrow: 2 };
const ADMIN_POINTS: Readonly<Record<Width, number>> = { wide: 2, narrow: 1 };
export const PRIVILEGE_POINTS: Readonly<Record<Privilege | 'none', number>> = {
  owner: 2,
  'user-access-admin': 2,
  contributor: 1.5,
  data: 1,
  other: 0.5,
  reader: 0,
  none: 0,
};

export interface WorkloadFactors {
  exposureWidth: Width | null;
  adminPortsWidth: Width | null;
  identityPrivilege: Privilege | 'none';
  crownJewelsReachable: number;
}

function score(points: number): number {
  return Math.round(Math.min(10, points) * 10) / 10;
}

export function crownJewelPoints(count: number): number {
  return count <= 0 ? 0 : Math.min(2, 1 + 0.5 * (count - 1));
}

export function workloadScore(factors: WorkloadFactors): number {
  if (!factors.exposureWidth) return 0;
  return score(
    EXPOSURE_POINTS[factors.exposureWidth] +
      (factors.adminPortsWidth ? ADMIN_POINTS[factors.adminPortsWidth] : 0) +
      PRIVILEGE_POINTS[factors.identityPrivilege] +
      crownJewelPoints(factors.crownJewelsReachable),
  );
}

/** Why a node is an attack-path target. */
export type TargetReason = 'crown-jewel-kind' | 'crown-jewel-tag' | 'subscription-takeover';

export function targetPoints(kind: NodeKind, reason: TargetReason): number {
  if (reason === 'subscription-takeover' || reason === 'crown-jewel-tag' || kind === 'KeyVault') return 2;
  return 1.5;
}

export interface PathFactors {
  entryWidth: Width;
  adminPortsWidth: Width | null;
  privilege: Privilege;
  targetKind: NodeKind;
  targetReason: TargetReason;
}

export function pathScore(factors: PathFactors): number {
  return score(
    EXPOSURE_POINTS[factors.entryWidth] +
      (factors.adminPortsWidth ? ADMIN_POINTS[factors.adminPortsWidth] : 0) +
      PRIVILEGE_POINTS[factors.privilege] +
      targetPoints(factors.targetKind, factors.targetReason),
  );
}

export function severityOf(value: number): Severity {
  if (value >= 8) return 'critical';
  if (value >= 6) return 'high';
  if (value >= 4) return 'medium';
  if (value > 0) return 'low';
  return 'none';
}
