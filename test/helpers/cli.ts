import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `reachgraph <args>` in-process, capturing console output and direct stream writes (commander's help). */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const join = (parts: unknown[]) => parts.map(String).join(' ');
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(`${join(parts)}\n`));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(`${join(parts)}\n`));
  vi.spyOn(console, 'warn').mockImplementation((...parts: unknown[]) => void err.push(`${join(parts)}\n`));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'reachgraph', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}
