import { describe, expect, it } from 'vitest';
import { ENTRA_FAMILIES, withoutSecrets } from '../../../src/collect/entra/families.js';

describe('ENTRA_FAMILIES', () => {
  it('gives each family its own key and file, and reads a per-item family only after its parent', () => {
    expect(new Set(ENTRA_FAMILIES.map((family) => family.key)).size).toBe(ENTRA_FAMILIES.length);
    expect(new Set(ENTRA_FAMILIES.map((family) => family.file)).size).toBe(ENTRA_FAMILIES.length);
    ENTRA_FAMILIES.forEach((family, index) => {
      expect(family.file).toMatch(/^[a-z-]+\.json$/);
      if (!family.eachOf) return;
      expect(family.path).toContain('{id}');
      expect(family.context).toBeTruthy();
      expect(ENTRA_FAMILIES.slice(0, index).some((parent) => parent.key === family.eachOf && !parent.eachOf)).toBe(true);
    });
  });

  it('never asks Graph for a secret, and pages by 999 where Graph allows it', () => {
    for (const family of ENTRA_FAMILIES) {
      const fields = new URLSearchParams(family.query).get('$select')?.split(',') ?? [];
      expect(fields).not.toContain('secretText');
      expect(fields).not.toContain('key');
    }
    const paged = ENTRA_FAMILIES.filter((family) => family.query.includes('$top=999')).map((family) => family.key);
    expect(paged).toEqual(['users', 'groups', 'groupMembers', 'servicePrincipals', 'applications', 'appRoleAssignments']);
  });
});

describe('withoutSecrets', () => {
  it('keeps credential metadata only, and every other field as it is', () => {
    const app = {
      id: 'a',
      appId: 'b',
      requiredResourceAccess: [{ resourceAppId: 'c', resourceAccess: [{ id: 'd', type: 'Role' }] }],
      keyCredentials: [{ keyId: 'k', type: 'AsymmetricX509Cert', usage: 'Verify', displayName: 'CN=a', customKeyIdentifier: 'EB0B', startDateTime: 's', endDateTime: 'e', key: 'MIIC…private' }],
      passwordCredentials: [{ keyId: 'p', displayName: 'ci', hint: 'q~8', startDateTime: 's', endDateTime: 'e', secretText: 'q~8xyz-the-secret', customKeyIdentifier: null }, null],
    };
    expect(withoutSecrets(app)).toEqual({
      id: 'a',
      appId: 'b',
      requiredResourceAccess: app.requiredResourceAccess,
      keyCredentials: [{ keyId: 'k', type: 'AsymmetricX509Cert', usage: 'Verify', displayName: 'CN=a', customKeyIdentifier: 'EB0B', startDateTime: 's', endDateTime: 'e' }],
      passwordCredentials: [{ keyId: 'p', displayName: 'ci', hint: 'q~8', startDateTime: 's', endDateTime: 'e', customKeyIdentifier: null }, {}],
    });
    expect(app.passwordCredentials[0]?.secretText).toBe('q~8xyz-the-secret');
  });

  it('returns objects without credentials untouched', () => {
    const user = { id: 'u', displayName: 'User' };
    expect(withoutSecrets(user)).toBe(user);
    expect(withoutSecrets(null)).toBeNull();
  });
});
