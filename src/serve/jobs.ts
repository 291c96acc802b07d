import { randomUUID } from 'node:crypto';
import type { RecomputeStage, RecomputeSummary } from '../analysis/recompute.js';

export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  kind: 'recompute';
  status: JobStatus;
  /** What started it: an API call, the schedule, or a sync that just ingested fresh data. */
  trigger: 'api' | 'schedule' | 'sync';
  stage: RecomputeStage | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  result: RecomputeSummary | null;
  error: string | null;
}

const KEPT_JOBS = 100;

/**
 * Runs recomputations one at a time: asking while one runs returns that job
 * rather than starting a second writer.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private running: Job | undefined;
  private runningDone: Promise<void> | undefined;

  constructor(
    private readonly work: (onStage: (stage: RecomputeStage) => void) => Promise<RecomputeSummary>,
    private readonly onSuccess: (job: Job) => void = () => {},
  ) {}

  start(trigger: Job['trigger']): { job: Job; started: boolean } {
    if (this.running) return { job: this.running, started: false };
    const job: Job = {
      id: randomUUID(),
      kind: 'recompute',
      status: 'running',
      trigger,
      stage: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationMs: null,
      result: null,
      error: null,
    };
    this.remember(job);
    this.running = job;
    const started = performance.now();
    this.runningDone = this.work((stage) => (job.stage = stage))
      .then((result) => {
        job.status = 'succeeded';
        job.result = result;
        this.onSuccess(job);
      })
      .catch((error: unknown) => {
        job.status = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        job.finishedAt = new Date().toISOString();
        job.durationMs = Math.round(performance.now() - started);
        this.running = undefined;
      });
    return { job, started: true };
  }

  /**
   * Starts a job, or joins the one running, and resolves with it once it has
   * finished. A sync must not take a recompute that began before its ingest
   * for its own, so it waits that one out and starts another.
   */
  async runToEnd(trigger: Job['trigger']): Promise<Job> {
    if (this.running) await this.runningDone;
    const { job } = this.start(trigger);
    await this.runningDone;
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when no job is running (for orderly shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private remember(job: Job): void {
    this.jobs.set(job.id, job);
    if (this.jobs.size > KEPT_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
  }
}
