import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARM_DETAILS } from '../../src/collect/azure/details/index.js';
import { PREREQUISITES } from '../../src/collect/check/prerequisites.js';
import { ENTRA_FAMILIES } from '../../src/collect/entra/index.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Connect your Azure tenant'), readme.indexOf('### Offline: a hand-made snapshot'));

describe('the README\'s "Connect your Azure tenant" follows the registries', () => {
  it('lists every prerequisite with what it is used for and whether it is required', () => {
    for (const prerequisite of PREREQUISITES) {
      const required = prerequisite.kind === 'rbac' && prerequisite.onlyWith ? 'where clusters exist' : prerequisite.required ? 'yes' : 'no';
      expect(section).toContain(`| ${prerequisite.title} | ${required} | ${prerequisite.usedFor} |`);
    }
  });

  it('names every ARM detail and every Entra ID file the collector writes', () => {
    for (const detail of ARM_DETAILS) expect(section).toContain(`\`${detail.key}\``);
    for (const family of ENTRA_FAMILIES) expect(section).toContain(`\`${family.file}\``);
  });
});
