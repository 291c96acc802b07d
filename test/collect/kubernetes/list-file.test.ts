import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindListFile, stripObject } from '../../../src/collect/kubernetes/list-file.js';
import { scratchFolder } from '../../helpers/scratch.js';

const scratch = scratchFolder('reachgraph-list-file-');
const dir = () => path.join(scratch.root, 'kubernetes', 'aks');
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace: 'shop', ...extra }, spec: { containers: [] } });

describe('kindListFile', () => {
  it('writes pages as one kubectl List, each item led by its apiVersion and kind, creating the folder', async () => {
    const file = kindListFile(dir(), 'pods.json', 'v1', 'Pod');
    await file.append([pod('a'), pod('b')]);
    await file.append([pod('c')]);
    await file.commit();

    const text = await readFile(path.join(dir(), 'pods.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: ['a', 'b', 'c'].map((name) => ({ apiVersion: 'v1', kind: 'Pod', ...pod(name) })),
    });
    expect(text).toMatch(/^\{"apiVersion":"v1","kind":"List",.*"items":\[\{"apiVersion":"v1","kind":"Pod","metadata"/);
    expect(file.count).toBe(3);
  });

  it('an empty listing is an empty List, not a missing file', async () => {
    const file = kindListFile(dir(), 'cronjobs.json', 'batch/v1', 'CronJob');
    await file.append([]);
    await file.commit();
    expect(JSON.parse(await readFile(path.join(dir(), 'cronjobs.json'), 'utf8'))).toMatchObject({ kind: 'List', items: [] });
  });

  it('keeps apiVersion and kind an item already carries', async () => {
    const file = kindListFile(dir(), 'pods.json', 'v1', 'Pod');
    await file.append([{ apiVersion: 'v1', kind: 'Pod', ...pod('a') }]);
    await file.commit();
    expect(JSON.parse(await readFile(path.join(dir(), 'pods.json'), 'utf8')).items).toEqual([{ apiVersion: 'v1', kind: 'Pod', ...pod('a') }]);
  });

  it('is only named pods.json once complete: a restart forgets the pages so far, a discard leaves nothing', async () => {
    const restarted = kindListFile(dir(), 'pods.json', 'v1', 'Pod');
    await restarted.append([pod('old-1'), pod('old-2')]);
    expect(await readdir(dir())).toEqual(['pods.json.partial']);
    await restarted.restart();
    await restarted.append([pod('new')]);
    await restarted.commit();
    expect(JSON.parse(await readFile(path.join(dir(), 'pods.json'), 'utf8')).items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(['new']);
    expect(restarted.count).toBe(1);

    const discarded = kindListFile(dir(), 'nodes.json', 'v1', 'Node');
    await discarded.append([pod('n')]);
    await discarded.discard();
    expect(await readdir(dir())).toEqual(['pods.json']);
  });

  it('replaces the dump of an earlier collection only when the new one is complete', async () => {
    await scratch.put('kubernetes/aks/pods.json', { kind: 'List', items: [pod('earlier')] });
    const file = kindListFile(dir(), 'pods.json', 'v1', 'Pod');
    await file.append([pod('later')]);
    await file.discard();
    expect(JSON.parse(await readFile(path.join(dir(), 'pods.json'), 'utf8')).items[0].metadata.name).toBe('earlier');
    await writeFile(path.join(dir(), 'unrelated.txt'), 'x');
    expect((await readdir(dir())).sort()).toEqual(['pods.json', 'unrelated.txt']);
  });
});

describe('stripObject', () => {
  it('drops managedFields and kubectl\'s last-applied copy, and an annotations map it empties', () => {
    const object = pod('a', {
      managedFields: [{ manager: 'kubectl', fieldsV1: {} }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{"env":[{"name":"PASSWORD","value":"hunter2"}]}}' },
    });
    stripObject(object);
    expect(object.metadata).toEqual({ name: 'a', namespace: 'shop' });
  });

  it('keeps other annotations and the spec, env values included', () => {
    const spec = { containers: [{ name: 'app', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] };
    const object = { metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'shop' } }, spec };
    stripObject(object);
    expect(object).toEqual({ metadata: { name: 'a', annotations: { team: 'shop' } }, spec });
  });
});
