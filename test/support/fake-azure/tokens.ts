/**
 * Access tokens as Entra ID issues them to a client-credentials app (v1.0
 * claims, which ARM and Microsoft Graph receive), signed HS256 with a key of
 * this process only: the fakes of ARM, Graph and Kubernetes check them with
 * `readAccessToken`, clients decode them as they would a real one.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const key = randomBytes(32);

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  appid: string;
  /** 1: client secret, 2: certificate. */
  appidacr: '1' | '2';
  idp: string;
  oid: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: '1.0';
  roles?: string[];
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string): string => createHmac('sha256', key).update(input).digest('base64url');

export function mintAccessToken(claims: AccessTokenClaims): string {
  const input = `${encode({ typ: 'JWT', alg: 'HS256', kid: 'fake-azure' })}.${encode(claims)}`;
  return `${input}.${sign(input)}`;
}

export function newTokenClaims(options: { audience: string; tenantId: string; clientId: string; objectId: string; lifetimeSeconds: number; viaCertificate: boolean; roles?: string[] }): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  const issuer = `https://sts.windows.net/${options.tenantId}/`;
  return {
    aud: options.audience,
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + options.lifetimeSeconds,
    aio: randomBytes(24).toString('base64url'),
    appid: options.clientId,
    appidacr: options.viaCertificate ? '2' : '1',
    idp: issuer,
    oid: options.objectId,
    rh: `0.${randomBytes(18).toString('base64url')}.`,
    sub: options.objectId,
    tid: options.tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
    ...(options.roles?.length ? { roles: [...options.roles] } : {}),
  };
}

export type TokenReading = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: 'missing' | 'malformed' | 'expired'; claims?: AccessTokenClaims };

/** Reads a bearer token issued by the fake login: its signature, then its lifetime. The audience is the caller's to check. */
/**
 * Services protected by Entra ID accept a token a little past its `exp` (five
 * minutes of clock skew in production); a few seconds keep short-lived test
 * tokens honest on a loaded machine, where a request signed with a token
 * about to expire can take a second to arrive.
 */
export const CLOCK_SKEW_SECONDS = 3;

export function readAccessToken(authorization: string | undefined): TokenReading {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return { ok: false, reason: 'missing' };
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature || token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(`${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'malformed' };
  let claims: AccessTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.exp + CLOCK_SKEW_SECONDS <= Math.floor(Date.now() / 1000)) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}
