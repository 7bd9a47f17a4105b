/**
 * The "code + user info" adapter (浙里办, 浙政钉): redirect with the configured parameters, then a token call and a
 * user-info call, each bounded in time. A connection failure, a timeout, a 5xx or an answer that is not the expected
 * JSON is IDP_UNAVAILABLE (503); an answer that says no (4xx, success false, an error in the callback) is
 * IDP_REFUSED (401).
 */
import { mapIdentity, pick, refused, unavailable, type ProviderAdapter } from './adapter';
import { clientSecret, type CodeProviderConfig } from './providers';

type Vars = Record<string, string | undefined>;

/** `{name}` placeholders are replaced by the variable (empty when unset: the parameter is then left out) */
const fill = (template: string, vars: Vars) => template.replace(/\{(\w+)\}/g, (_m, k: string) => vars[k] ?? '');

function fillParams(params: Record<string, string>, vars: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(params)) {
    const v = fill(t, vars);
    if (v !== '') out[k] = v;
  }
  return out;
}

export function createCodeAdapter(p: CodeProviderConfig, selfUrl: string | undefined): ProviderAdapter {
  // a provider URL given as a path (the stand-ins) is on this server: as configured, else as the callback names it
  async function call(step: 'token' | 'user information', c: CodeProviderConfig['token'] | CodeProviderConfig['userInfo'], vars: Vars) {
    const params = fillParams(c.params, vars);
    const url = new URL(c.url, selfUrl ?? new URL(vars.redirectUri!).origin);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (c.bearer && vars.accessToken) headers.Authorization = `Bearer ${vars.accessToken}`;
    let body: string | undefined;
    if (c.method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    else {
      body = new URLSearchParams(params).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    let res: Response;
    try {
      res = await fetch(url, { method: c.method, headers, body, redirect: 'error', signal: AbortSignal.timeout(p.timeoutSeconds * 1000) });
    } catch (err) {
      throw unavailable(p, `the ${step} call failed (${(err as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'})`);
    }
    if (res.status >= 500) throw unavailable(p, `the ${step} call answered ${res.status}`);
    const raw = await res.text().catch(() => '');
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      throw unavailable(p, `the ${step} call did not answer JSON`);
    }
    if (res.status >= 400) throw refused(p, `the ${step} call was refused (${res.status} ${String(pick(doc, 'error') ?? '')})`.trim());
    if (doc === null || typeof doc !== 'object') throw unavailable(p, `the ${step} call did not answer a JSON object`);
    if (c.successPath && pick(doc, c.successPath) !== c.successValue) throw refused(p, `the ${step} call said no`);
    return doc;
  }

  return {
    config: p,
    async authorizationUrl(r) {
      const url = new URL(p.authorizeUrl, r.browserBase);
      const vars: Vars = { clientId: p.clientId, redirectUri: r.redirectUri, state: r.state, nonce: r.nonce, loginHint: r.loginHint };
      for (const [k, v] of Object.entries(fillParams(p.authorizeParams, vars))) url.searchParams.set(k, v);
      return url;
    },
    async identify(c) {
      if (c.query.error) throw refused(p, `the sign-in was not approved (${c.query.error.slice(0, 60)})`);
      // 浙里办's single sign-on answers a ticket, OAuth2 providers a code
      const code = c.query.code ?? c.query.ticket ?? c.query.authCode;
      if (!code) throw refused(p, 'the callback carries no code');
      const vars: Vars = { code, clientId: p.clientId, clientSecret: clientSecret(p), redirectUri: c.redirectUri, state: c.state, nonce: c.nonce };
      const tokenDoc = await call('token', p.token, vars);
      const accessToken = pick(tokenDoc, p.token.accessTokenPath);
      if (typeof accessToken !== 'string' || !accessToken) throw unavailable(p, 'the token call answered no access token');
      const info = await call('user information', p.userInfo, { ...vars, accessToken });
      return mapIdentity(p, pick(info, p.userInfo.dataPath));
    },
  };
}
