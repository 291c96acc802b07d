/**
 * Who holds an ingest lock: `<host> pid <pid>, generation <g>`. A holder on
 * this host whose process is gone crashed; its lock need not wait out its
 * time-to-live. A holder on another host cannot be checked from here.
 */
import os from 'node:os';

export const lockHolder = (generation: number): string => `${os.hostname()} pid ${process.pid}, generation ${generation}`;

export function holderIsGone(holder: string, host = os.hostname()): boolean {
  const match = /^(\S+) pid (\d+),/.exec(holder);
  if (!match || match[1] !== host) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
