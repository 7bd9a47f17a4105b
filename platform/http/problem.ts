/**
 * RFC 9457 problem details with a stable `code`. Every error a client can cause is one of these.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';

/** Stable error codes (API.md plus documented additions). */
export const ProblemCodes = {
  VALIDATION_FAILED: { status: 400, title: 'The request is malformed' },
  UNAUTHENTICATED: { status: 401, title: 'Log in first' },
  FORBIDDEN: { status: 403, title: 'Not allowed for your role' },
  NOT_YOUR_TASK: { status: 403, title: 'The task belongs to another organisation or concerns you' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  ALREADY_REGISTERED: { status: 409, title: 'This identity already has an account' },
  USERNAME_TAKEN: { status: 409, title: 'This username is taken' },
  DUPLICATE_CLAIM: { status: 409, title: 'A claim of this kind and level already exists' },
  ALREADY_CLAWED_BACK: { status: 409, title: 'This claim has already been clawed back' },
  TASK_ALREADY_DECIDED: { status: 409, title: 'The task has already been decided' },
  TASK_PAUSED: { status: 409, title: 'The task waits for supplementary materials' },
  TASK_NOT_PAUSED: { status: 409, title: 'The task is not waiting for materials' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used for a different request' },
  IDENTITY_MISMATCH: { status: 422, title: 'Claims are made for your own identity only' },
  NOT_ELIGIBLE: { status: 422, title: 'Not eligible' },
  INVALID_DECISION: { status: 422, title: 'The decision is not valid for this task' },
  RATE_LIMITED: { status: 429, title: 'Too many attempts, wait a moment' },
  // accounts and sessions
  ACCOUNT_LOCKED: { status: 429, title: 'Too many failed logins for this account: it is locked for a while' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your one-time password first' },
  WEAK_PASSWORD: { status: 422, title: 'The password is too weak' },
  WRONG_PASSWORD: { status: 422, title: 'The current password is wrong' },
  SEPARATION_OF_DUTIES: {
    status: 422,
    title: 'Separation of duties: one account holds at most one of admin, security_admin, auditor, and nobody changes their own roles',
  },
  ROLE_NOT_FOR_ORG: { status: 422, title: "A role must fit its organisation's type (bureau roles in the district bureau, unit roles in enterprises)" },
  DISPUTE_CLOSED: { status: 409, title: 'The identity dispute has already been resolved' },
  EXPERT_HAS_ACCOUNT: { status: 409, title: 'The expert already has an account' },
  NOT_A_CLAIMANT: { status: 422, title: 'The account does not claim this identity' },
  // materials (申请材料) and service ratings (好差评)
  MATERIALS_MISSING: { status: 422, title: 'Required materials are missing' },
  MATERIAL_UNAVAILABLE: { status: 422, title: 'A material is not yours to attach, or is already attached' },
  ALREADY_RATED: { status: 409, title: 'You have already rated this' },
  NOT_ENDED: { status: 422, title: 'It can be rated once it has ended' },
  // Zhejiang title review
  SESSION_EXISTS: { status: 409, title: 'A session of this level already exists for that year' },
  SESSION_STATE: { status: 409, title: 'The session is not at the step this needs' },
  MEETING_TOO_SOON: { status: 422, title: 'The plan cannot be approved 10 working days before the meeting: move the meeting date' },
  DUPLICATE_APPLICATION: { status: 409, title: 'You already have an application in this session' },
  POOL_TOO_SMALL: { status: 422, title: 'The expert pool is too small for the draw' },
  QUORUM_NOT_MET: { status: 422, title: 'Fewer than 17 committee members are present' },
  NOT_A_VOTING_MEMBER: { status: 403, title: 'Only attending members of this committee vote' },
  NOT_PRESIDING: { status: 403, title: 'Only the chair or a vice-chair attending closes the ballot' },
  ALREADY_VOTED: { status: 409, title: 'You have already voted in this session' },
  BALLOT_CLOSED: { status: 409, title: 'The ballot is not open' },
  NOT_SHARE_HOLDER: { status: 403, title: 'Only the chair and the two vice-chairs hold key shares of a threshold ballot' },
  SHARE_ALREADY_COLLECTED: { status: 409, title: 'A key share is shown once' },
  WRONG_BALLOT_SHARE: { status: 422, title: "That is not your key share of this session's ballot" },
  BALLOT_SHARES_NEEDED: { status: 409, title: 'The count waits for two key shares' },
  INVALID_BALLOT: { status: 422, title: 'A ballot covers every applicant exactly once' },
  NOTICE_CLOSED: { status: 409, title: 'The publicity period has ended' },
  ALREADY_WITHDRAWN: { status: 409, title: 'The application has already been withdrawn' },
  // organisation administration
  URI_TOO_LONG: { status: 414, title: 'The URL is too long' },
  INVALID_CREDIT_CODE: { status: 422, title: 'The unified social credit code is not valid (GB 32100-2015)' },
  DUPLICATE_CREDIT_CODE: { status: 409, title: 'An organisation with this unified social credit code is already registered' },
  UNKNOWN_ORG: { status: 422, title: 'The town, regulator or other organisation named is not registered' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'The media type of the body or file is not accepted here (CSV for imports; PDF, JPEG or PNG judged by content for materials)',
  },
  ACTIVE_CONTENT: { status: 415, title: 'The PDF carries active content (JavaScript, /Launch, /EmbeddedFile or /OpenAction); print it to a plain PDF first' },
  IMAGE_TOO_LARGE: { status: 415, title: 'The image declares more than 12,000 pixels a side or 80 megapixels' },
  INVALID_CSV: { status: 400, title: 'The body is not a CSV file with the expected header' },
  IMPORT_HAS_INVALID_ROWS: { status: 422, title: 'Some rows are not valid; nothing was imported' },
  // policy editions (platform/policy)
  POLICY_NOT_IN_FORCE: { status: 422, title: 'No edition of the policy is in force at this time' },
  RETROACTIVE_EDITION: { status: 422, title: 'An edition takes effect in the future: corrections are new editions' },
  OVERLAPPING_EDITION: { status: 409, title: 'The edition overlaps another edition of the policy that it does not end' },
  UNKNOWN_PARAMETER: { status: 422, title: 'The policy has no parameter of this name' },
  // federated sign-in (浙里办, 浙政钉, OpenID Connect)
  IDP_UNAVAILABLE: { status: 503, title: 'The identity provider cannot be reached or answered something unusable; try again later' },
  IDP_REFUSED: { status: 401, title: 'The identity provider did not confirm the sign-in' },
  NOT_LINKED: { status: 403, title: 'No account is linked to this identity' },
  SIGN_IN_EXPIRED: { status: 400, title: 'The sign-in is unknown, expired or already used; start again' },
  UNKNOWN_PROVIDER: { status: 404, title: 'No such identity provider is configured' },
  INVALID_RETURN_TO: { status: 400, title: 'returnTo must be a path of this console' },
  SMS_CODE_INVALID: { status: 422, title: 'The SMS code is wrong, expired or already used' },
  PASSWORD_LOGIN_DISABLED: { status: 403, title: 'Password login is switched off for your role: sign in with 浙政钉' },
  ENTERPRISE_NOT_REGISTERED: { status: 403, title: 'The enterprise is not registered here or is deactivated' },
  DB_UNAVAILABLE: { status: 503, title: 'The database is unavailable' },
  TEMPORAL_UNAVAILABLE: { status: 503, title: 'The workflow service is unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;

export type ProblemCode = keyof typeof ProblemCodes;

export class Problem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? ProblemCodes[code].title);
  }
  get status(): number {
    return ProblemCodes[this.code].status;
  }
  body() {
    const { status, title } = ProblemCodes[this.code];
    return { type: `urn:problem:${this.code.toLowerCase().replace(/_/g, '-')}`, title, status, detail: this.detail ?? title, code: this.code, ...this.extra };
  }
}

export function zodProblem(err: ZodError): Problem {
  return new Problem('VALIDATION_FAILED', err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '), {
    errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/** Connection-level failures of Postgres: the API answers 503, never 500. */
function isDbUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003', '53300'].includes(e.code ?? '')) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

export function sendProblem(res: Parameters<RequestHandler>[1], p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p.body()));
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let p: Problem;
    if (err instanceof Problem) p = err;
    else if (err instanceof ZodError) p = zodProblem(err);
    else if (err?.type === 'entity.parse.failed') p = new Problem('VALIDATION_FAILED', 'the body is not valid JSON');
    else if (err?.type === 'entity.too.large') p = new Problem('PAYLOAD_TOO_LARGE');
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') p = new Problem('VALIDATION_FAILED', 'unsupported body encoding');
    // a body whose Content-Encoding lies (gzip that is not gzip), a malformed percent-encoding in the path, a JSON
    // document nested deeper than JSON_MAX_DEPTH: the client's fault, answered 400 like any other malformed request
    else if (err instanceof URIError) p = new Problem('VALIDATION_FAILED', 'the path is not valid percent-encoding');
    else if (err instanceof RangeError && /call stack/i.test(err.message)) p = new Problem('VALIDATION_FAILED', `the JSON body is nested too deeply`);
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose !== false)
      p = new Problem(
        err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED',
        'the request body could not be read',
      );
    else if (isDbUnavailable(err)) p = new Problem('DB_UNAVAILABLE');
    // character_not_in_repertoire / untranslatable_character: input PostgreSQL cannot store
    else if (['22021', '22P05'].includes((err as { code?: string })?.code ?? ''))
      p = new Problem('VALIDATION_FAILED', 'the text contains characters that cannot be stored');
    else {
      log.error({ err, reqId: (req as { id?: unknown }).id }, 'unhandled error');
      p = new Problem('INTERNAL', 'an internal error occurred; it has been logged');
    }
    if (res.headersSent) return;
    sendProblem(res, p);
  };
}
