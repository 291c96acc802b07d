/** IP addresses, CIDRs and NSG address prefixes (CIDRs, keywords and service tags). */
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

/** An inclusive interval of addresses of one family. */
export interface AddressInterval {
  family: IpFamily;
  start: bigint;
  end: bigint;
}

export interface Cidr extends AddressInterval {
  prefixLength: number;
}

/** A bare IP is a /32 or /128; host bits below the prefix are ignored. */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  // isValidFourPartDecimal rejects the legacy forms ('10', '0x0a.1') ipaddr.js would accept.
  if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) address = ipaddr.IPv4.parse(addressText);
  else if (ipaddr.IPv6.isValid(addressText)) address = ipaddr.IPv6.parse(addressText);
  else throw new Error(`invalid IP address or CIDR '${text}'`);
  const family: IpFamily = address.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const lengthText = slash < 0 ? String(bits) : trimmed.slice(slash + 1);
  const prefixLength = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : Number.NaN;
  if (!(prefixLength <= bits)) throw new Error(`invalid IP address or CIDR '${text}'`);
  let value = 0n;
  for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
  const size = 1n << BigInt(bits - prefixLength);
  const start = value & ~(size - 1n);
  return { family, start, end: start + size - 1n, prefixLength };
}

export function intervalsOverlap(a: AddressInterval, b: AddressInterval): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Per family, sorted, with overlapping and adjacent intervals merged. */
export function mergeIntervals(intervals: readonly AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort(
    (a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0),
  );
  const merged: AddressInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && last.family === interval.family && interval.start <= last.end + 1n) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

/** `minuend` minus every interval of `subtrahends` (all of one family). */
function subtractIntervals(minuend: AddressInterval, subtrahends: readonly AddressInterval[]): AddressInterval[] {
  const result: AddressInterval[] = [];
  let next = minuend.start;
  for (const hole of mergeIntervals(subtrahends)) {
    if (hole.end < next || hole.start > minuend.end) continue;
    if (hole.start > next) result.push({ family: minuend.family, start: next, end: hole.start - 1n });
    next = hole.end + 1n;
  }
  if (next <= minuend.end) result.push({ family: minuend.family, start: next, end: minuend.end });
  return result;
}

const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
].map(parseCidr);

/** The addresses an internet client can have: public IPv4 and global unicast IPv6. */
export const PUBLIC_INTERNET: readonly AddressInterval[] = [
  ...subtractIntervals(parseCidr('0.0.0.0/0'), NON_PUBLIC_IPV4),
  parseCidr('2000::/3'),
];

/**
 * An NSG address prefix. `any` ('*', 'Any') matches every source including the
 * virtual network and the load balancer probe; `internet` only internet addresses.
 * Anything that is neither a keyword nor an IP/CIDR is an opaque service tag.
 */
export type PrefixClass =
  | { kind: 'any'; text: string }
  | { kind: 'internet'; text: string }
  | { kind: 'virtual-network'; text: string }
  | { kind: 'load-balancer'; text: string }
  | { kind: 'cidr'; text: string; cidr: Cidr }
  | { kind: 'service-tag'; text: string; tag: string };

type KeywordKind = 'any' | 'internet' | 'virtual-network' | 'load-balancer';

// A Map, not an object literal, so a tag spelled like 'constructor' stays a tag.
const KEYWORDS: ReadonlyMap<string, KeywordKind> = new Map<string, KeywordKind>([
  ['*', 'any'],
  ['any', 'any'],
  ['internet', 'internet'],
  ['virtualnetwork', 'virtual-network'],
  ['azureloadbalancer', 'load-balancer'],
]);

// Service tags are words joined by dots ('AzureCloud.WestEurope'); text of only
// digits and dots, or with a ':' or '/', was meant as an address and must parse.
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const LOOKS_LIKE_ADDRESS = /^[0-9.]*$|[:/]/;

/** Classifies a prefix case-insensitively; throws naming the text when it is malformed. */
export function classifyPrefix(prefix: string): PrefixClass {
  const text = prefix.trim();
  const keyword = KEYWORDS.get(text.toLowerCase());
  if (keyword) return { kind: keyword, text };
  if (LOOKS_LIKE_ADDRESS.test(text)) return { kind: 'cidr', text, cidr: parseCidr(text) };
  if (SERVICE_TAG.test(text)) return { kind: 'service-tag', text, tag: text.toLowerCase() };
  throw new Error(`invalid address prefix '${prefix}'`);
}

/** '*', 'Any', 'Internet', '0.0.0.0/0' and '::/0': the prefixes that admit the whole internet. */
export function isAnyInternet(prefix: PrefixClass): boolean {
  return prefix.kind === 'any' || prefix.kind === 'internet' || (prefix.kind === 'cidr' && prefix.cidr.prefixLength === 0);
}
