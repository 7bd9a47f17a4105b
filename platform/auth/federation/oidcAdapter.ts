/**
 * Standard OpenID Connect through openid-client: discovery (cached; retried on the next sign-in after a failure),
 * the authorization code flow with PKCE (S256), state and nonce, and the ID token checked by the library
 * (signature against the provider's JWKS, issuer, audience, nonce, expiry within the configured clock tolerance).
 * Extra claims (ID number, phone…) may come from the ID token or the user-info endpoint.
 */
import * as oidc from 'openid-client';
import { Problem } from '../../http/problem';
import { mapIdentity, refused, unavailable, type ProviderAdapter } from './adapter';
import { clientSecret, type OidcProviderConfig } from './providers';

/** failures that mean the provider could not be used (503), as opposed to a refusal or a failed check (401) */
const UNUSABLE = new Set([
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_PARSE_ERROR',
  'OAUTH_INVALID_SERVER_METADATA',
  'OAUTH_MISSING_SERVER_METADATA',
]);

export function classify(p: OidcProviderConfig, err: unknown): Error {
  const e = err as { name?: string; code?: string; status?: number; error?: string; message?: string; cause?: { code?: string } };
  if (err instanceof TypeError || e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause instanceof TypeError)
    return unavailable(p, 'it cannot be reached');
  if (err instanceof oidc.AuthorizationResponseError) return refused(p, `the sign-in was not approved (${e.error ?? 'error'})`);
  if (err instanceof oidc.ResponseBodyError)
    return (e.status ?? 400) >= 500 ? unavailable(p, `it answered ${e.status}`) : refused(p, `the code was refused (${e.error ?? e.status})`);
  const code = e?.code ?? e?.cause?.code;
  if (code && UNUSABLE.has(code)) return unavailable(p, 'it answered something that is not a valid OpenID Connect response');
  return refused(p, `its answer did not pass the checks (${code ?? e?.name ?? 'error'})`);
}

export function createOidcAdapter(p: OidcProviderConfig): ProviderAdapter {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(p.issuer), p.clientId, { client_secret: clientSecret(p), [oidc.clockTolerance]: p.clockToleranceSeconds }, undefined, {
        execute: p.allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
        timeout: p.timeoutSeconds,
      })
      .then((c) => {
        c.timeout = p.timeoutSeconds;
        return c;
      });
    return discovered.catch((err) => {
      discovered = undefined;
      // a provider whose discovery fails (unreachable, or not answering valid metadata) cannot be used: never the
      // person's fault
      throw unavailable(p, `its discovery document could not be read (${(err as { code?: string })?.code ?? (err as Error)?.name ?? 'error'})`);
    });
  };

  return {
    config: p,
    async authorizationUrl(r) {
      const config = await configuration();
      const params: Record<string, string> = {
        redirect_uri: r.redirectUri,
        scope: p.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(r.codeVerifier),
        code_challenge_method: 'S256',
        state: r.state,
        nonce: r.nonce,
      };
      if (r.loginHint) params.login_hint = r.loginHint;
      return oidc.buildAuthorizationUrl(config, params);
    },
    async identify(c) {
      const config = await configuration();
      const current = new URL(c.redirectUri);
      for (const [k, v] of Object.entries(c.query)) current.searchParams.set(k, v);
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: c.codeVerifier,
          expectedState: c.state,
          expectedNonce: c.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw refused(p, 'no ID token');
        let doc: Record<string, unknown> = { ...claims };
        const want = Object.values(p.fields).filter((f) => !(f in doc));
        if (want.length && config.serverMetadata().userinfo_endpoint) {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
          doc = { ...info, ...claims };
        }
        return mapIdentity(p, doc);
      } catch (err) {
        if (err instanceof Problem) throw err;
        throw classify(p, err);
      }
    },
  };
}
