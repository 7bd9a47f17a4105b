/**
 * One definition per route: its schemas validate the request and generate the OpenAPI document,
 * its access rule is enforced by the shared middleware.
 */
import { OpenAPIRegistry, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { enforce, type Access } from '../auth/authenticate';
import { zodProblem } from './problem';

extendZodWithOpenApi(z);

export const registry = new OpenAPIRegistry();
registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

export const ProblemSchema = registry.register(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: 'stable error code, e.g. VALIDATION_FAILED, NOT_ELIGIBLE, DUPLICATE_CLAIM' }),
  }),
);

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface RouteDef<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** express path, e.g. /api/v1/tasks/:id */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** a multipart/form-data body: its schema for the document (parsing is done by `before`, e.g. multer) */
  multipart?: ZodType;
  /** middleware run after the access check and before the handler (e.g. a multipart parser) */
  before?: RequestHandler[];
  /** a response that is not JSON (e.g. a file download): media types of the 200 answer, for the document */
  rawResponse?: string[];
  responses: Record<number, { description: string; schema?: ZodType }>;
  /** problem codes this route may answer with, for the document */
  problems?: string[];
  handler: (ctx: { req: Request; res: Response; params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> }) => Promise<unknown>;
}

/** Every route declared with defineRoute and its access rule (the authorisation matrix test walks these). */
export const declaredRoutes: { method: Method; path: string; access: Access }[] = [];

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function defineRoute<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType>(
  router: Router,
  def: RouteDef<P, Q, B>,
): void {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(def.responses)) {
    responses[status] = r.schema ? { description: r.description, content: { 'application/json': { schema: r.schema } } } : { description: r.description };
  }
  if (def.rawResponse) {
    const [status, r] = Object.entries(def.responses)[0]!;
    responses[status] = {
      description: r.description,
      content: Object.fromEntries(def.rawResponse.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
    };
  }
  responses.default = {
    description: `problem+json error${def.problems?.length ? ` (${def.problems.join(', ')})` : ''}`,
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };
  registry.registerPath({
    method: def.method,
    path: toOpenApiPath(def.path),
    summary: def.summary,
    tags: def.tags,
    security: 'public' in def.access ? [] : [{ bearer: [] }],
    description: 'public' in def.access ? 'No login needed.' : `Roles: ${def.access.roles === 'any' ? 'any logged-in user' : def.access.roles.join(', ')}`,
    request: {
      ...(def.params ? { params: def.params as never } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      ...(def.body && !def.multipart ? { body: { content: { 'application/json': { schema: def.body } } } } : {}),
      ...(def.multipart ? { body: { content: { 'multipart/form-data': { schema: def.multipart } } } } : {}),
    },
    responses: responses as never,
  });

  const handler = async (req: Request, res: Response, next: NextFunction) => {
    const parse = <T extends ZodType | undefined>(schema: T, value: unknown) => {
      if (!schema) return value;
      const r = schema.safeParse(value);
      if (!r.success) throw zodProblem(r.error);
      return r.data;
    };
    try {
      const params = parse(def.params, req.params) as z.infer<P>;
      const query = parse(def.query, req.query) as z.infer<Q>;
      const body = parse(def.body, def.body && req.body === undefined ? {} : req.body) as z.infer<B>;
      const result = await def.handler({ req, res, params, query, body });
      if (!res.headersSent) {
        const status = Number(Object.keys(def.responses)[0] ?? 200);
        if (result === undefined) res.status(status).end();
        else res.status(status).json(result);
      }
    } catch (err) {
      next(err);
    }
  };
  declaredRoutes.push({ method: def.method, path: def.path, access: def.access });
  router[def.method](def.path, enforce(def.access), ...(def.before ?? []), handler);
}
