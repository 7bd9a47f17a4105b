/**
 * The codec endpoint (Temporal's "codec server" protocol): `POST /api/v1/codec/decode` and `/encode` take and give
 * `{"payloads":[{"metadata":{…base64…},"data":"…base64…"}]}` (Payloads in proto3 JSON), so the Temporal Web UI and
 * CLI show an authorised admin the histories the server stores encrypted (platform/crypto/payloadCodec.ts).
 * Only the last path segment counts (`/api/v1/codec/<anything>/decode` works too), as the protocol asks.
 *
 * - **Who**: an active admin session only, presented as `Authorization: Bearer <token>` (the CLI's
 *   `--codec-auth`, or the Web UI's "pass access token" behind HTTPS) or as the `zj_codec` cookie that
 *   `POST /api/v1/codec/session` sets for the admin's browser (HttpOnly, SameSite=Strict, path /api/v1/codec: sent
 *   only to these routes, by the Web UI with "include cross-origin credentials"). Anyone else: 401/403.
 * - **Which namespace**: the `X-Namespace` header the protocol defines must name this deployment's namespace.
 * - **From where**: CORS allows the Web UI's origins only (`CODEC_CORS_ORIGINS`; `npm start` sets its UI's), with
 *   credentials; other origins get no CORS headers, so a page elsewhere cannot read the answers.
 * - **Audited**: every call is a row in the audit trail (`codec.decode` / `codec.encode`: who, from where, how
 *   many payloads, the namespace).
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { AppDeps } from '../http/deps';
import { Problem } from '../http/problem';
import { defineRoute } from '../http/route';
import { actorOf, type TokenClaims } from '../auth/authenticate';
import type { SessionStore } from '../auth/sessions';
import type { Actor } from '../tasks/messages';
import { recordAudit } from '../admin/audit';
import { isEncrypted, Sm4PayloadCodec } from '../crypto/payloadCodec';

export const CODEC_COOKIE = 'zj_codec';
const CODEC_PATH = '/api/v1/codec';
const COOKIE_TTL_S = 8 * 3600;

const PayloadJson = z.object({
  metadata: z.record(z.string(), z.string().max(1_000_000)).optional(),
  data: z.string().optional(),
});
const PayloadsJson = z.object({ payloads: z.array(PayloadJson).max(10_000) });

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toPayload = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data ?? ''),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** The configured Web UI origins (`CODEC_CORS_ORIGINS`, comma-separated). */
export function codecOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CODEC_CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function codecRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  const origins = new Set(deps.config.codecOrigins ?? []);
  const namespace = deps.temporal.options.namespace;
  const codec = new Sm4PayloadCodec();

  const cors = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      res.setHeader('Vary', 'Origin');
      // the Web UI reads the answer from its own origin
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };

  async function admin(req: Request): Promise<Actor> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? cookieValue(req, CODEC_COOKIE);
    if (!token) throw new Problem('UNAUTHENTICATED', 'the codec endpoint needs an admin session (Authorization: Bearer, or POST /api/v1/codec/session)');
    let claims: TokenClaims;
    try {
      claims = await deps.tokens.verify(token);
    } catch {
      throw new Problem('UNAUTHENTICATED', 'the token is invalid or has expired; log in again');
    }
    const state = await deps.sessions.resolve(claims.sessionId, claims.userId);
    if (!state) throw new Problem('UNAUTHENTICATED', 'the session has ended; log in again');
    if (!state.actor.roles.includes('admin')) throw new Problem('FORBIDDEN', 'only an admin reads workflow payloads');
    return state.actor;
  }

  const json = express.json({ limit: '8mb' });
  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const actor = await admin(req);
      const ns = req.headers['x-namespace'];
      if (ns !== undefined && ns !== namespace) throw new Problem('FORBIDDEN', `this codec serves the namespace "${namespace}" only`);
      const body = PayloadsJson.parse(req.body);
      const payloads = body.payloads.map(toPayload);
      const encrypted = payloads.filter(isEncrypted).length;
      let out: Payload[];
      if (op === 'encode') out = await codec.encode(payloads);
      else {
        // a payload this key set cannot open (a retired key) is shown as stored rather than failing the page
        out = await Promise.all(payloads.map(async (p) => (await codec.decode([p]).catch(() => [p]))[0]!));
      }
      await recordAudit(deps.db, {
        actor,
        action: `codec.${op}`,
        targetType: 'temporal_namespace',
        targetId: namespace,
        clientIp: req.ip ?? null,
        details: { payloads: payloads.length, encrypted, origin: req.headers.origin ?? null },
      });
      res.setHeader('Cache-Control', 'no-store');
      res.json({ payloads: out.map(toJson) });
    } catch (err) {
      next(err);
    }
  };
  router.use(CODEC_PATH, cors);
  router.post([`${CODEC_PATH}/encode`, `${CODEC_PATH}/*rest/encode`], json, handle('encode'));
  router.post([`${CODEC_PATH}/decode`, `${CODEC_PATH}/*rest/decode`], json, handle('decode'));
  return router;
}

/** The session cookie for the admin's browser (declared routes: they go through the usual bearer check). */
export function codecSessionRoutes(deps: AppDeps): Router {
  const router = Router();
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/codec/session',
    summary:
      "Lets the admin's browser use the codec endpoint from the Temporal Web UI: sets the zj_codec cookie (HttpOnly, SameSite=Strict, path /api/v1/codec) bound to this session",
    tags: ['admin'],
    access: { roles: ['admin'] },
    responses: { 204: { description: 'the cookie is set' } },
    handler: async ({ req, res }) => {
      const actor = actorOf(req);
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')![1]!;
      res.cookie(CODEC_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: CODEC_PATH, maxAge: COOKIE_TTL_S * 1000, secure: req.secure });
      await recordAudit(deps.db, {
        actor,
        action: 'codec.session',
        targetType: 'temporal_namespace',
        targetId: deps.temporal.options.namespace,
        clientIp: req.ip ?? null,
      });
      res.status(204);
      return undefined;
    },
  });
  defineRoute(router, {
    method: 'delete',
    path: '/api/v1/codec/session',
    summary: 'Removes the codec cookie from the browser',
    tags: ['admin'],
    access: { roles: ['admin'] },
    responses: { 204: { description: 'the cookie is cleared' } },
    handler: async ({ res }) => {
      res.clearCookie(CODEC_COOKIE, { path: CODEC_PATH });
      res.status(204);
      return undefined;
    },
  });
  return router;
}
