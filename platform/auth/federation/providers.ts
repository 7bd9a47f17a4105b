/**
 * Identity providers as configuration (README "Federated sign-in"). Two kinds:
 * - `oidc`: a standard OpenID Connect provider (openid-client: discovery, PKCE, state, nonce, ID-token validation);
 * - `code`: an OAuth2-style "code + user info" provider such as 浙里办 or 浙政钉: an authorize URL, a token call and a
 *   user-info call, each with templated parameters, and a mapping of the answer's fields.
 * A district plugs its providers in through AUTH_PROVIDERS (JSON) or AUTH_PROVIDERS_FILE; secrets are never in that
 * document, only the names of the environment variables that hold them. In development mode with neither set, the
 * local stand-ins (standIns.ts, under /dev-idp/…) are configured.
 */
import fs from 'node:fs';
import { z } from 'zod';

export type Audience = 'applicant' | 'enterprise' | 'clerk';

/** `{name}` placeholders: code, clientId, clientSecret, redirectUri, state, nonce, accessToken, loginHint */
const Params = z.record(z.string(), z.string());
/** dotted paths into the provider's JSON answer (e.g. `content.data.accountId`) */
const Fields = z
  .object({
    subject: z.string(),
    name: z.string(),
    idNumber: z.string().optional(),
    phone: z.string().optional(),
    creditCode: z.string().optional(),
    enterpriseName: z.string().optional(),
  })
  .strict();

const Common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  name: z.string().min(1).max(40),
  audience: z.enum(['applicant', 'enterprise', 'clerk']),
  clientId: z.string().min(1),
  /** the environment variable holding the client secret (never the secret itself) */
  clientSecretEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .optional(),
  /** where the console offers the provider's own logout after ours (optional) */
  logoutUrl: z.string().optional(),
  /** seconds each call to the provider may take (default 5) */
  timeoutSeconds: z.number().int().min(1).max(30).default(5),
  fields: Fields,
};

const Call = z
  .object({
    url: z.string().min(1),
    method: z.enum(['GET', 'POST']).default('POST'),
    params: Params.default({}),
    /** send the access token as `Authorization: Bearer` */
    bearer: z.boolean().default(false),
    /** a dotted path that must be `true` (or "0" for 浙里办's `result`) in a successful answer */
    successPath: z.string().optional(),
    successValue: z.union([z.boolean(), z.string(), z.number()]).default(true),
  })
  .strict();

export const CodeProviderConfig = z
  .object({
    ...Common,
    kind: z.literal('code'),
    authorizeUrl: z.string().min(1),
    authorizeParams: Params,
    token: Call.extend({ accessTokenPath: z.string() }),
    userInfo: Call.extend({ dataPath: z.string().optional() }),
  })
  .strict();

export const OidcProviderConfig = z
  .object({
    ...Common,
    kind: z.literal('oidc'),
    issuer: z.string().url(),
    scope: z.string().default('openid profile'),
    /** allow http:// endpoints (a provider on the same host or network only; refused in production for remote hosts) */
    allowInsecureRequests: z.boolean().default(false),
    /** clock skew tolerated when checking the ID token's iat/exp/nbf (seconds, at most 120) */
    clockToleranceSeconds: z.number().int().min(0).max(120).default(30),
  })
  .strict();

export const ProviderConfig = z.discriminatedUnion('kind', [CodeProviderConfig, OidcProviderConfig]);
export type ProviderConfig = z.infer<typeof ProviderConfig>;
export type CodeProviderConfig = z.infer<typeof CodeProviderConfig>;
export type OidcProviderConfig = z.infer<typeof OidcProviderConfig>;

export interface FederationSettings {
  providers: ProviderConfig[];
  /**
   * Origins the callback may be on (the redirect URI allow-list): `${origin}/api/v1/auth/providers/:id/callback`.
   * In development mode a loopback origin (localhost, 127.0.0.1, [::1]) is allowed too.
   */
  redirectOrigins: string[];
  /** base for provider URLs given as paths (the stand-ins), as this server reaches itself */
  selfUrl?: string;
  /** where the console is (its /login/callback); default: the origin the sign-in started on */
  consoleUrl?: string;
}

export const DEV_CLIENT_ID = 'zj-approvals-dev';
export const DEV_CLIENT_SECRET_ENV = 'DEV_IDP_CLIENT_SECRET';
export const DEV_CLIENT_SECRET = 'dev-idp-secret';

/** The stand-ins of standIns.ts, as a district would configure the real 浙里办 and 浙政钉 (paths instead of hosts). */
export function standInProviders(): ProviderConfig[] {
  const zlb = (id: string, name: string, audience: Audience, kind: 'person' | 'legal', fields: z.infer<typeof Fields>): ProviderConfig =>
    CodeProviderConfig.parse({
      id,
      name,
      audience,
      kind: 'code',
      clientId: DEV_CLIENT_ID,
      clientSecretEnv: DEV_CLIENT_SECRET_ENV,
      authorizeUrl: '/dev-idp/zlb/authorize',
      authorizeParams: {
        response_type: 'code',
        client_id: '{clientId}',
        redirect_uri: '{redirectUri}',
        state: '{state}',
        scope: kind,
        login_hint: '{loginHint}',
      },
      token: {
        url: '/dev-idp/zlb/token',
        method: 'POST',
        params: {
          grant_type: 'authorization_code',
          code: '{code}',
          client_id: '{clientId}',
          client_secret: '{clientSecret}',
          redirect_uri: '{redirectUri}',
        },
        accessTokenPath: 'access_token',
      },
      userInfo: { url: '/dev-idp/zlb/userinfo', method: 'GET', bearer: true, successPath: 'result', successValue: '0' },
      fields,
      logoutUrl: '/dev-idp/zlb/logout',
    });
  return [
    zlb('zlb-person', '浙里办个人', 'applicant', 'person', { subject: 'userid', name: 'username', idNumber: 'idnum', phone: 'mobile' }),
    zlb('zlb-legal', '浙里办法人', 'enterprise', 'legal', {
      subject: 'userid',
      name: 'legalperson',
      idNumber: 'idnum',
      creditCode: 'uniscid',
      enterpriseName: 'companyname',
    }),
    CodeProviderConfig.parse({
      id: 'zzd',
      name: '浙政钉',
      audience: 'clerk',
      kind: 'code',
      clientId: DEV_CLIENT_ID,
      clientSecretEnv: DEV_CLIENT_SECRET_ENV,
      authorizeUrl: '/dev-idp/zzd/oauth2/auth.htm',
      authorizeParams: {
        response_type: 'code',
        client_id: '{clientId}',
        redirect_uri: '{redirectUri}',
        scope: 'get_user_info',
        authType: 'QRCODE',
        state: '{state}',
        login_hint: '{loginHint}',
      },
      token: {
        url: '/dev-idp/zzd/gettoken.json',
        method: 'GET',
        params: { appkey: '{clientId}', appsecret: '{clientSecret}' },
        successPath: 'success',
        accessTokenPath: 'content.data.accessToken',
      },
      userInfo: {
        url: '/dev-idp/zzd/rpc/oauth2/getuserinfo_bycode.json',
        method: 'POST',
        params: { access_token: '{accessToken}', code: '{code}' },
        successPath: 'success',
        dataPath: 'content.data',
      },
      fields: { subject: 'accountId', name: 'lastName' },
    }),
  ];
}

/** AUTH_PROVIDERS (a JSON array) or AUTH_PROVIDERS_FILE; in development mode the stand-ins when neither is set. */
export function readFederationSettings(env: NodeJS.ProcessEnv, devMode: boolean, selfUrl?: string): FederationSettings {
  const raw = env.AUTH_PROVIDERS || (env.AUTH_PROVIDERS_FILE ? fs.readFileSync(env.AUTH_PROVIDERS_FILE, 'utf8') : '');
  let providers: ProviderConfig[] = [];
  if (raw) {
    const parsed = z.array(ProviderConfig).safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`AUTH_PROVIDERS is not a valid provider list: ${parsed.error.message}`);
    providers = parsed.data;
  } else if (devMode) {
    providers = standInProviders();
  }
  const ids = new Set<string>();
  for (const p of providers) {
    if (ids.has(p.id)) throw new Error(`AUTH_PROVIDERS names provider ${p.id} twice`);
    ids.add(p.id);
    if (!devMode && p.kind === 'oidc' && p.allowInsecureRequests && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/)/.test(p.issuer))
      throw new Error(`provider ${p.id}: allowInsecureRequests is for a provider on this host only`);
  }
  const redirectOrigins = (env.AUTH_REDIRECT_ORIGINS ?? env.PUBLIC_URL ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => new URL(s).origin);
  return { providers, redirectOrigins, selfUrl, consoleUrl: env.CONSOLE_URL || undefined };
}

/** The client secret of a provider, from the environment variable it names (the stand-ins' default in development). */
export function clientSecret(p: ProviderConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!p.clientSecretEnv) return undefined;
  const v = env[p.clientSecretEnv];
  if (v) return v;
  return p.clientSecretEnv === DEV_CLIENT_SECRET_ENV ? DEV_CLIENT_SECRET : undefined;
}
