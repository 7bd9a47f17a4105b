/** What every provider adapter does, and the identity it hands back (the provider's vouched facts, nothing more). */
import { Problem } from '../../http/problem';
import type { ProviderConfig } from './providers';

export interface ProviderIdentity {
  /** the provider's stable id of the person (浙里办 userid, 浙政钉 accountId, OIDC sub) */
  subject: string;
  name: string;
  idNumber?: string;
  phone?: string;
  creditCode?: string;
  enterpriseName?: string;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  loginHint?: string;
  /** base for a provider URL given as a path, as the browser reaches this server */
  browserBase: string;
}

export interface CallbackInput {
  /** the callback's query parameters */
  query: Record<string, string>;
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProviderAdapter {
  readonly config: ProviderConfig;
  authorizationUrl(r: AuthorizationRequest): Promise<URL>;
  /** exchanges the callback's code for the person's identity; throws IDP_REFUSED or IDP_UNAVAILABLE problems */
  identify(c: CallbackInput): Promise<ProviderIdentity>;
}

export const unavailable = (p: ProviderConfig, why: string) => new Problem('IDP_UNAVAILABLE', `${p.name} (${p.id}): ${why}`, { provider: p.id });
export const refused = (p: ProviderConfig, why: string) => new Problem('IDP_REFUSED', `${p.name} (${p.id}): ${why}`, { provider: p.id });

/** a dotted path into a JSON document */
export function pick(doc: unknown, path: string | undefined): unknown {
  if (!path) return doc;
  let v: unknown = doc;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** Maps a provider's answer to an identity by the configured field paths; a missing subject or name is unusable. */
export function mapIdentity(p: ProviderConfig, doc: unknown): ProviderIdentity {
  const f = p.fields;
  const subject = text(pick(doc, f.subject));
  const name = text(pick(doc, f.name));
  if (!subject || !name || subject.length > 128 || name.length > 100) throw unavailable(p, 'the user information lacks the subject or the name');
  const id: ProviderIdentity = { subject, name };
  const opt = (k: 'idNumber' | 'phone' | 'creditCode' | 'enterpriseName') => {
    const v = text(pick(doc, f[k]));
    if (v && v.length <= 200) id[k] = v;
  };
  opt('idNumber');
  opt('phone');
  opt('creditCode');
  opt('enterpriseName');
  return id;
}
