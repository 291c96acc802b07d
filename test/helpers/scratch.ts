import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export interface ScratchFolder {
  /** This test's folder, fresh for every test. */
  readonly root: string;
  /** Writes a file under the folder, creating folders; objects are written as JSON. */
  put(relative: string, content: unknown): Promise<void>;
}

/** A temporary folder per test (a snapshot directory, usually), removed after it; call at describe or file level. */
export function scratchFolder(prefix = 'reachgraph-'): ScratchFolder {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    async put(relative, content) {
      const file = path.join(root, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    },
  };
}
