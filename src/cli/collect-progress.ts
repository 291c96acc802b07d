import cliProgress from 'cli-progress';
import type { CollectLog } from '../collect/context.js';
import { redactSecrets } from '../collect/connection/secrets.js';

/** A bar per collection stage on a terminal; elsewhere notes only, so logs stay clean. */
export function collectProgress(quiet = false): CollectLog & { stop(): void } {
  const notes: CollectLog['note'] = (message) => {
    if (!quiet) console.error(`reachgraph: ${redactSecrets(message)}`);
  };
  if (!process.stderr.isTTY || quiet) return { stage() {}, advance() {}, note: notes, stop() {} };
  const multi = new cliProgress.MultiBar(
    { format: '{stage} [{bar}] {value}/{total}', stream: process.stderr, clearOnComplete: false, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    stage(name, total) {
      bars.set(name, multi.create(Math.max(total, 0), 0, { stage: name.padEnd(16) }));
    },
    advance(name, by = 1) {
      bars.get(name)?.increment(by);
    },
    note(message) {
      multi.log(`${redactSecrets(message)}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
