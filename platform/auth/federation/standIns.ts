/**
 * Local stand-ins for 浙里办 (person and legal person) and 浙政钉 (QR login), served under /dev-idp/… in
 * development mode only (api/app.ts never mounts them in production). They speak the shapes the adapters are
 * configured for (providers.ts standInProviders): an authorize page, a token call, a user-info call. The real
 * endpoints live on the government extranet; what is verified here is our side of the exchange, not theirs.
 *
 * Identities: 浙里办 个人 knows every valid ID number (the demo applicants by their names, anyone else as 居民####);
 * 浙里办 法人 knows every well-formed 统一社会信用代码 (the registered enterprises by name); 浙政钉 knows the demo
 * clerks by their 浙政钉 account ids (federated_identity, seeded) and any other account id as an unregistered person.
 * An authorize request with `login_hint` naming an identity is approved at once (tests and scripts); without it the
 * page lists identities to choose, and 浙政钉 shows its QR page with a "scan" link per clerk, as the phone would.
 */
import { createHash, randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { isValidIdNumber, makeIdNumber, normalizeIdNumber } from '../../identity/idNumber';
import { clientSecret, DEV_CLIENT_ID, DEV_CLIENT_SECRET_ENV, standInProviders } from './providers';

interface StandInIdentity {
  kind: 'person' | 'legal' | 'zzd';
  fields: Record<string, string>;
}

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_MS = 2 * 3600_000;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const random = () => randomBytes(18).toString('base64url');
const secret = () => clientSecret(standInProviders()[0]!, { [DEV_CLIENT_SECRET_ENV]: process.env[DEV_CLIENT_SECRET_ENV] });

function page(res: Response, title: string, body: string): void {
  res
    .type('html')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
        `<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}li{margin:.5rem 0}a{color:#0645ad}.qr{font:10px/10px monospace;letter-spacing:0}</style>` +
        `</head><body><main><h1>${esc(title)}</h1><p>本地替身（仅开发模式）</p>${body}</main></body></html>`,
    );
}

/** a fake QR picture (not a real QR code: the "scan" links below it are what the phone would do) */
function fakeQr(seed: string): string {
  const h = hash(seed);
  let out = '';
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) out += parseInt(h[(y * 16 + x) % 64]!, 16) % 2 ? '██' : '  ';
    out += '\n';
  }
  return `<pre class="qr" aria-hidden="true">${out}</pre>`;
}

export function standInRoutes(db: Kysely<Database>): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  const codes = new Map<string, { identity: StandInIdentity; clientId: string; exp: number }>();
  const tokens = new Map<string, { identity?: StandInIdentity; exp: number }>();
  const qrs = new Map<string, { redirectUri: string; state: string; exp: number }>();

  const sweep = () => {
    const now = Date.now();
    for (const m of [codes, tokens, qrs] as Map<string, { exp: number }>[]) for (const [k, v] of m) if (v.exp < now) m.delete(k);
  };

  async function person(idNumber: string): Promise<StandInIdentity | null> {
    const id = normalizeIdNumber(idNumber);
    if (!isValidIdNumber(id)) return null;
    const demo = await db
      .selectFrom('app_user')
      .select(['display_name', 'phone'])
      .where('id_number', '=', id)
      .where('is_demo', '=', true)
      .where('password_hash', 'like', 'scrypt$%')
      .executeTakeFirst();
    const h = hash(id);
    return {
      kind: 'person',
      fields: {
        userid: `zlb-${h.slice(0, 16)}`,
        username: demo?.display_name ?? `居民${id.slice(-4)}`,
        idnum: id,
        mobile: demo?.phone ?? `139${String(parseInt(h.slice(0, 8), 16) % 1e8).padStart(8, '0')}`,
      },
    };
  }

  async function legal(creditCode: string): Promise<StandInIdentity | null> {
    const code = creditCode.trim().toUpperCase();
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return null;
    const org = await db.selectFrom('org').select(['name']).where('credit_code', '=', code).executeTakeFirst();
    const digits = String(BigInt(`0x${hash(code).slice(0, 12)}`) % 1000n).padStart(3, '0');
    return {
      kind: 'legal',
      fields: {
        userid: `zlb-legal-${code}`,
        companyname: org?.name ?? '未登记企业',
        uniscid: code,
        legalperson: `${(org?.name ?? '企业').slice(0, 6)}法定代表人`,
        idnum: makeIdNumber(`33050319800101${digits}`),
      },
    };
  }

  async function clerk(accountId: string): Promise<StandInIdentity | null> {
    if (!/^[0-9A-Za-z_-]{1,32}$/.test(accountId)) return null;
    const known = await db
      .selectFrom('federated_identity as f')
      .innerJoin('app_user as u', 'u.id', 'f.user_id')
      .select(['u.display_name'])
      .where('f.provider', '=', 'zzd')
      .where('f.subject', '=', accountId)
      .executeTakeFirst();
    return {
      kind: 'zzd',
      fields: { accountId, lastName: known?.display_name ?? '未登记人员', nickNameCn: known?.display_name ?? '未登记人员', tenantId: '196729' },
    };
  }

  function approve(res: Response, redirectUri: string, state: string, identity: StandInIdentity, clientId: string): void {
    sweep();
    const code = random();
    codes.set(code, { identity, clientId, exp: Date.now() + CODE_TTL_MS });
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (state) to.searchParams.set('state', state);
    res.redirect(302, to.toString());
  }

  /** redirect_uri must be an http(s) URL of a callback of this application */
  const goodRedirect = (v: unknown): v is string => {
    if (typeof v !== 'string') return false;
    try {
      const u = new URL(v);
      return /^https?:$/.test(u.protocol) && /^\/api\/v1\/auth\/providers\/[a-z0-9-]+\/callback$/.test(u.pathname);
    } catch {
      return false;
    }
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');

  // —— 浙里办 ——
  router.get('/dev-idp/zlb/authorize', async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const kind = q.scope === 'legal' ? 'legal' : 'person';
    if (str(q.client_id) !== DEV_CLIENT_ID || !goodRedirect(q.redirect_uri)) {
      res.status(400);
      return page(res, '浙里办：请求无效', '<p>client_id 或 redirect_uri 不对。</p>');
    }
    const hint = str(q.login_hint);
    if (hint) {
      const identity = kind === 'legal' ? await legal(hint) : await person(hint);
      if (!identity) {
        res.status(400);
        return page(res, '浙里办：身份无效', `<p>${kind === 'legal' ? '统一社会信用代码' : '身份证号'}不正确。</p>`);
      }
      return approve(res, q.redirect_uri as string, str(q.state), identity, DEV_CLIENT_ID);
    }
    const link = (h: string) => {
      const u = new URL(req.originalUrl, 'http://x');
      u.searchParams.set('login_hint', h);
      return esc(`${u.pathname}${u.search}`);
    };
    if (kind === 'legal') {
      const orgs = await db
        .selectFrom('org')
        .select(['name', 'credit_code'])
        .where('type', '=', 'enterprise')
        .where('credit_code', 'is not', null)
        .orderBy('name')
        .execute();
      return page(
        res,
        '浙里办 · 法人登录',
        `<ul>${orgs.map((o) => `<li><a data-testid="zlb-identity" data-hint="${esc(o.credit_code!)}" href="${link(o.credit_code!)}">${esc(o.name)}（${esc(o.credit_code!)}）</a></li>`).join('')}</ul>`,
      );
    }
    const demo = await db
      .selectFrom('app_user')
      .select(['display_name', 'id_number'])
      .where('is_demo', '=', true)
      .where(sql<boolean>`'applicant' = any(roles)`)
      .orderBy('id')
      .execute();
    return page(
      res,
      '浙里办 · 个人登录',
      `<ul>${demo
        .filter((d) => d.id_number)
        .map(
          (d) =>
            `<li><a data-testid="zlb-identity" data-hint="${esc(d.id_number!)}" href="${link(d.id_number!)}">${esc(d.display_name)}（${esc(d.id_number!.slice(0, 6))}…）</a></li>`,
        )
        .join('')}</ul><p>其他身份：在地址中加上 login_hint=身份证号。</p>`,
    );
  });

  router.post('/dev-idp/zlb/token', form, (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const c = codes.get(str(b.code));
    if (str(b.client_id) !== DEV_CLIENT_ID || str(b.client_secret) !== secret()) return void res.status(401).json({ error: 'invalid_client' });
    if (!c || c.exp < Date.now() || c.identity.kind === 'zzd') return void res.status(400).json({ error: 'invalid_grant' });
    codes.delete(str(b.code));
    const token = random();
    tokens.set(token, { identity: c.identity, exp: Date.now() + TOKEN_TTL_MS });
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_MS / 1000 });
  });

  router.get('/dev-idp/zlb/userinfo', (req: Request, res: Response) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const t = m ? tokens.get(m[1]!) : undefined;
    if (!t?.identity || t.exp < Date.now()) return void res.status(401).json({ result: '6001', errmsg: 'token 无效' });
    res.json({ result: '0', errmsg: '成功', ...t.identity.fields });
  });

  router.get('/dev-idp/zlb/logout', (_req: Request, res: Response) => page(res, '浙里办：已退出', '<p><a href="/login">返回登录页</a></p>'));

  // —— 浙政钉 ——
  router.get('/dev-idp/zzd/oauth2/auth.htm', async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    if (str(q.client_id) !== DEV_CLIENT_ID || !goodRedirect(q.redirect_uri) || q.response_type !== 'code' || q.scope !== 'get_user_info') {
      res.status(400);
      return page(res, '浙政钉：请求无效', '<p>client_id、redirect_uri、response_type 或 scope 不对。</p>');
    }
    const hint = str(q.login_hint);
    if (hint) {
      const identity = await clerk(hint);
      if (!identity) {
        res.status(400);
        return page(res, '浙政钉：账号无效', '<p>浙政钉账号不正确。</p>');
      }
      return approve(res, q.redirect_uri as string, str(q.state), identity, DEV_CLIENT_ID);
    }
    sweep();
    const qr = random();
    qrs.set(qr, { redirectUri: q.redirect_uri as string, state: str(q.state), exp: Date.now() + CODE_TTL_MS });
    const staff = await db
      .selectFrom('federated_identity as f')
      .innerJoin('app_user as u', 'u.id', 'f.user_id')
      .select(['f.subject', 'u.username', 'u.display_name'])
      .where('f.provider', '=', 'zzd')
      .where('u.is_demo', '=', true)
      .orderBy('u.id')
      .execute();
    const scan = (account: string) => esc(`/dev-idp/zzd/scan?qr=${encodeURIComponent(qr)}&account=${encodeURIComponent(account)}`);
    return page(
      res,
      '浙政钉 · 扫码登录',
      `${fakeQr(qr)}<p>请使用浙政钉 App 扫描二维码登录。</p><h2>模拟手机扫码</h2><ul>${staff
        .map(
          (s) =>
            `<li><a data-testid="zzd-scan" data-username="${esc(s.username)}" href="${scan(s.subject)}">以 ${esc(s.display_name)}（${esc(s.username)}，浙政钉 ${esc(s.subject)}）扫码</a></li>`,
        )
        .join('')}<li><a data-testid="zzd-scan" data-username="" href="${scan('99999999')}">以未登记的浙政钉账号 99999999 扫码</a></li></ul>`,
    );
  });

  router.get('/dev-idp/zzd/scan', async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const pending = qrs.get(str(q.qr));
    const identity = await clerk(str(q.account));
    if (!pending || pending.exp < Date.now() || !identity) {
      res.status(400);
      return page(res, '浙政钉：二维码已失效', '<p>请回到登录页重新扫码。</p>');
    }
    qrs.delete(str(q.qr));
    approve(res, pending.redirectUri, pending.state, identity, DEV_CLIENT_ID);
  });

  router.get('/dev-idp/zzd/gettoken.json', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    if (str(q.appkey) !== DEV_CLIENT_ID || str(q.appsecret) !== secret())
      return void res.json({ success: false, errorCode: '10001', errorMsg: 'appkey 或 appsecret 错误' });
    const token = random();
    tokens.set(token, { exp: Date.now() + TOKEN_TTL_MS });
    res.json({ success: true, content: { success: true, data: { accessToken: token, expiresIn: TOKEN_TTL_MS / 1000 } } });
  });

  router.post('/dev-idp/zzd/rpc/oauth2/getuserinfo_bycode.json', form, (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const t = tokens.get(str(b.access_token));
    if (!t || t.identity || t.exp < Date.now()) return void res.json({ success: false, content: { success: false, responseMessage: 'access_token 无效' } });
    const c = codes.get(str(b.code));
    if (!c || c.exp < Date.now() || c.identity.kind !== 'zzd')
      return void res.json({ success: false, content: { success: false, responseMessage: 'code 无效' } });
    codes.delete(str(b.code));
    res.json({ success: true, content: { success: true, data: c.identity.fields } });
  });

  return router;
}
