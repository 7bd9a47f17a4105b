/**
 * What the request log may say about a URL: never a credential or a search for a person. Query parameters that
 * carry one (`access_token`, `token`, `idLast6`, `q`, …) are logged as `***`, and so is anything shaped like a
 * bearer token (a JWT: three base64url parts) wherever it appears in the path or query.
 */
const SECRET_PARAMS = ['access_token', 'token', 'id_token', 'refresh_token', 'code', 'password', 'secret', 'idLast6', 'q', 'idNumber', 'phone'];
const PARAM = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})(?:%5B%5D|\\[\\])?)=[^&#]*`, 'gi');
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export function redactRequestUrl(url: string): string {
  return url.replace(PARAM, '$1=***').replace(JWT, '***');
}

/** The request's log line: id, method and the redacted URL (headers and bodies are never logged). */
export function requestForLog(req: { id: unknown; method: string; url: string }): { id: unknown; method: string; url: string } {
  return { id: req.id, method: req.method, url: redactRequestUrl(req.url) };
}
