import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ExposureResult } from '../analysis/exposure.js';
import { ExposureFilterSchema, filterExposure } from '../analysis/filter.js';
import { INTERNET_ID, normalizeId } from '../model/ids.js';
import { runSavedQuery } from '../queries/run.js';
import { type SavedQuery, SavedQueryError, type SavedQueryProblem } from '../queries/saved-query.js';
import type { GraphStore } from '../store/graph-store.js';
import { BOM_FORMATS, buildBom } from '../supply-chain/bom.js';
import { CYCLONEDX_MEDIA_TYPE, toCycloneDxJson } from '../supply-chain/cyclonedx.js';
import { checkIntegrity, TRUSTED_REGISTRIES_ENV } from '../supply-chain/integrity.js';
import { referencedImages, runningImages } from '../supply-chain/running-images.js';
import type { SyncState } from '../sync/sync.js';
import type { JobRunner } from './jobs.js';

export interface ApiContext {
  store: GraphStore;
  /** The current exposure results; the server computes them once and reuses them. */
  exposure(): Promise<ExposureResult>;
  jobs: JobRunner;
  catalog(): Promise<Map<string, SavedQuery>>;
  version: string;
  /** The server's sync schedule (serve --sync-every), shown by /health. */
  sync?: SyncState;
}

const QueryRequestSchema = z
  .object({
    params: z.record(z.string(), z.unknown()).default({}),
    limit: z.number().int().min(1).max(100_000).optional(),
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
  })
  .strict();

const ImagesQuerySchema = z.object({ running: z.enum(['true', 'false']).optional() }).strict();
const BomQuerySchema = z.object({ format: z.enum(BOM_FORMATS).optional() }).strict();
/** `trustedRegistry` repeated or comma-separated; replaces REACHGRAPH_TRUSTED_REGISTRIES and the snapshot defaults. */
const IntegrityQuerySchema = z
  .object({ trustedRegistry: z.union([z.string().min(1), z.array(z.string().min(1))]).optional() })
  .strict();

const PROBLEM_STATUS: Record<SavedQueryProblem, [number, string]> = {
  parameter: [400, 'invalid_parameter'],
  'read-only': [403, 'write_refused'],
  store: [501, 'not_supported'],
  header: [500, 'broken_query'],
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const result = schema.safeParse(query);
  if (!result.success) {
    const details = result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ parameter: key, message: 'unknown parameter' }))
        : [{ parameter: issue.path.join('.') || null, message: issue.message }],
    );
    throw new HttpError(400, 'invalid_parameter', details.map((d) => `${d.parameter ?? 'query'}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

/** Express decodes one path segment per parameter; ARM ids have many, so the id is the rest of the path. */
function assetIdFrom(request: Request): string {
  const segments = (request.params as { id?: string[] }).id ?? [];
  const joined = segments.join('/');
  const id = normalizeId(joined);
  return id === INTERNET_ID || id.startsWith('/') ? id : `/${id}`;
}

export function createApp(context: ApiContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/api/v1/health', async (_request, response) => {
    let counts: Record<string, number>;
    try {
      counts = await context.store.countNodesByKind();
    } catch (error) {
      // The store is out of reach (a database restarting): say so, as a health check must, and keep serving.
      response.status(503).json({ status: 'unavailable', version: context.version, store: context.store.location, error: (error as Error).message, ...(context.sync ? { sync: context.sync } : {}) });
      return;
    }
    const syncFailed = context.sync?.lastRun?.status === 'failed';
    response.json({
      // A failed sync leaves the previous data serving: still up, but stale.
      status: syncFailed ? 'degraded' : 'ok',
      version: context.version,
      store: context.store.location,
      nodes: Object.values(counts).reduce((sum, count) => sum + count, 0),
      ...(context.sync ? { sync: context.sync } : {}),
    });
  });

  app.get('/api/v1/exposure', async (request, response) => {
    const filter = parseQuery(ExposureFilterSchema.strict(), request.query);
    const { report } = await context.exposure();
    response.json(filterExposure(report, filter));
  });

  app.get('/api/v1/assets/*id', async (request, response) => {
    const id = assetIdFrom(request);
    const node = await context.store.getNode(id);
    if (!node) throw new HttpError(404, 'not_found', `No asset with id ${id}. Ids are lowercased ARM ids, URL-encoded or as path segments.`);
    const [neighbours, { report }] = await Promise.all([context.store.neighbours(id), context.exposure()]);
    response.json({
      asset: node,
      neighbours: neighbours.map((neighbour) => ({
        direction: neighbour.direction,
        edge: neighbour.edge.kind,
        properties: neighbour.edge.properties,
        node: { id: neighbour.node.id, kind: neighbour.node.kind, name: neighbour.node.properties.name ?? null },
      })),
      exposure: report.assets.find((asset) => asset.id === id) ?? null,
    });
  });

  app.post('/api/v1/recompute', (_request, response) => {
    const { job, started } = context.jobs.start('api');
    response
      .status(202)
      .location(`/api/v1/jobs/${job.id}`)
      .json({ jobId: job.id, status: job.status, alreadyRunning: !started, links: { job: `/api/v1/jobs/${job.id}` } });
  });

  app.get('/api/v1/jobs/:id', (request, response) => {
    const job = context.jobs.get(request.params.id);
    if (!job) throw new HttpError(404, 'not_found', `No job ${request.params.id}; jobs are kept in memory while the server runs.`);
    response.json(job);
  });

  app.get('/api/v1/queries', async (_request, response) => {
    const catalog = await context.catalog();
    response.json({ queries: [...catalog.values()].map(({ text: _text, ...rest }) => rest) });
  });

  app.post('/api/v1/queries/:name', express.json({ limit: '100kb' }), async (request, response) => {
    const saved = (await context.catalog()).get(request.params.name as string);
    if (!saved) throw new HttpError(404, 'not_found', `No saved query named ${request.params.name}; GET /api/v1/queries lists them.`);
    const body = QueryRequestSchema.safeParse(request.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid_parameter', body.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
    try {
      const limits = { ...(body.data.limit ? { rowLimit: body.data.limit } : {}), ...(body.data.timeoutMs ? { timeoutMs: body.data.timeoutMs } : {}) };
      response.json(await runSavedQuery(context.store, saved, body.data.params, { limits }));
    } catch (error) {
      if (!(error instanceof SavedQueryError)) throw error;
      const [status, code] = PROBLEM_STATUS[error.problem];
      throw new HttpError(status, code, error.message);
    }
  });

  app.get('/api/v1/images', async (request, response) => {
    const query = parseQuery(ImagesQuerySchema, request.query);
    const [graph, { report }] = await Promise.all([context.store.readGraph(), context.exposure()]);
    response.json(query.running === 'true' ? runningImages(graph, report) : referencedImages(graph, report));
  });

  app.get('/api/v1/bom', async (request, response) => {
    const query = parseQuery(BomQuerySchema, request.query);
    const [graph, { report }] = await Promise.all([context.store.readGraph(), context.exposure()]);
    const bom = buildBom(graph, report, context.version);
    if (query.format === 'cyclonedx') response.type(CYCLONEDX_MEDIA_TYPE).send(toCycloneDxJson(bom));
    else response.json(bom);
  });

  app.get('/api/v1/integrity', async (request, response) => {
    const query = parseQuery(IntegrityQuerySchema, request.query);
    const [graph, { report }] = await Promise.all([context.store.readGraph(), context.exposure()]);
    const trustedRegistries = query.trustedRegistry === undefined ? [] : [query.trustedRegistry].flat();
    response.json(checkIntegrity(graph, report, { trustedRegistries, env: process.env[TRUSTED_REGISTRIES_ENV] }));
  });

  app.use((request) => {
    throw new HttpError(404, 'not_found', `No route ${request.method} ${request.originalUrl.split('?')[0]}. The API lives under /api/v1.`);
  });

  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof HttpError) {
      response.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // Express marks its own request errors (bad URL encoding, bad JSON body) with a 4xx status.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      response.status(status).json({ error: { code: 'bad_request', message } });
      return;
    }
    response.status(500).json({ error: { code: 'internal', message } });
  });
  return app;
}
