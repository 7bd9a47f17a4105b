/** The console's only way in: the public HTTP API under /api/v1 (problem+json errors). */

export interface User {
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  orgName?: string | null;
  /** a one-time password is in use: the console shows only the change-password page until it is changed */
  mustChangePassword?: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail || code);
  }
  get reasons(): string[] {
    return Array.isArray(this.body.reasons) ? (this.body.reasons as string[]) : [];
  }
  get fieldErrors(): { path: string; message: string }[] {
    return Array.isArray(this.body.errors) ? (this.body.errors as { path: string; message: string }[]) : [];
  }
}

const TOKEN_KEY = 'zj.token';
const USER_KEY = 'zj.user';

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  user: (): User | null => {
    try {
      const raw = localStorage.getItem(USER_KEY);
      return raw ? (JSON.parse(raw) as User) : null;
    } catch {
      return null;
    }
  },
  save(token: string, user: User) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  },
};

type Listener = () => void;
const unauthListeners = new Set<Listener>();
export const onUnauthenticated = (l: Listener) => {
  unauthListeners.add(l);
  return () => {
    unauthListeners.delete(l);
  };
};

const passwordChangeListeners = new Set<Listener>();
/** the API answered 403 PASSWORD_CHANGE_REQUIRED */
export const onPasswordChangeRequired = (l: Listener) => {
  passwordChangeListeners.add(l);
  return () => {
    passwordChangeListeners.delete(l);
  };
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  /** don't send the token (public pages) */
  anonymous?: boolean;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const qs = opts.query
    ? Object.entries(opts.query)
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&')
    : '';
  const url = `/api/v1${path}${qs ? `?${qs}` : ''}`;
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  const raw = body instanceof Blob;
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  const token = session.token();
  if (token && !opts.anonymous) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const err = new ApiError(res.status, String(p.code ?? `HTTP_${res.status}`), String(p.detail ?? p.title ?? res.statusText), p);
    if (res.status === 401 && token && !opts.anonymous && !path.startsWith('/auth/login')) {
      session.clear();
      for (const l of unauthListeners) l();
    }
    if (res.status === 403 && p.code === 'PASSWORD_CHANGE_REQUIRED') {
      const u = session.user();
      if (u && token && !u.mustChangePassword) session.save(token, { ...u, mustChangePassword: true });
      for (const l of passwordChangeListeners) l();
    }
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body ?? {}, opts),
  /** a file as the body, sent as it is (e.g. a CSV with Content-Type text/csv) */
  upload: <T>(path: string, file: Blob, contentType: string, opts?: RequestOptions) =>
    request<T>('POST', path, file, { ...opts, headers: { ...(opts?.headers ?? {}), 'Content-Type': contentType } }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** Downloads an authenticated CSV (the link can't carry the bearer token). */
export async function downloadCsv(path: string, filename: string): Promise<void> {
  const token = session.token();
  const res = await fetch(`/api/v1${path}${path.includes('?') ? '&' : '?'}format=csv`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, 'DOWNLOAD_FAILED', '导出失败');
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ---- response shapes (see /api/v1/openapi.json) ----
/** 依据: the policy edition and clause an amount or a deadline comes from */
export interface PolicyBasis {
  editionId: string;
  title: string;
  parameter: string;
  clause: string;
  basis: string;
}

export interface PolicyEditionSummary {
  id: string;
  policy: string;
  title: string;
  documentNo: string | null;
  issuer: string;
  effectiveFrom: string;
  effectiveTo?: string;
  status: 'in_force' | 'future' | 'past';
  basedOn: string | null;
  publishedAt: string;
}

export interface PolicyEdition extends PolicyEditionSummary {
  reason: string;
  parameters: Record<string, { value: unknown; kind: 'substantive' | 'procedural'; clause: string }>;
}

export interface Task {
  id: string;
  kind: string;
  state: 'open' | 'paused' | 'done' | 'cancelled';
  subject: { type: string; id: string; ref: string };
  orgCode: string;
  createdAt: string;
  dueAt: string | null;
  dueOn: string | null;
  dueProvisional: boolean;
  policy?: PolicyBasis | null;
  workingDaysLeft: number | null;
  warning: boolean;
  overdue: boolean;
  decision?: string | null;
  decidedAt?: string | null;
  decidedBy?: string | null;
  comment?: string | null;
  subjectSummary?: Record<string, unknown> | null;
  /** inbox rows: the applicant and what is applied for */
  applicantName?: string | null;
  subjectKind?: string | null;
  titleLevel?: string | null;
  materials?: { id: string; kind: string; fileName: string; contentType: string; size: number; attachedAt?: string | null }[];
}

export interface TimelineEntry {
  stage: string;
  orgCode: string | null;
  orgName: string | null;
  actor?: string;
  actorName?: string | null;
  event: string;
  decision: string | null;
  comment?: string | null;
  details?: Record<string, unknown> | null;
  at: string;
}

export interface Claim {
  id: string;
  applicationNo: string;
  kind: string;
  status: string;
  stage: string;
  amountYuan: number;
  paidYuan: number;
  applicant: { name: string; idNumber: string; phone: string };
  employer: { code: string; name: string };
  rereviewOrg: { code: string; name: string };
  form: Record<string, unknown>;
  submittedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  timeline: TimelineEntry[];
  instalments: { year: number; amountYuan: number; status: string; dueOn?: string | null; paidAt?: string | null }[];
  nextInstalmentDueOn?: string | null;
  policy?: PolicyBasis | null;
  tasks: Task[];
  materials?: { id: string; kind: string; fileName: string; contentType: string; size: number; attachedAt?: string | null }[];
}

export interface ClaimListItem {
  id: string;
  applicationNo: string;
  kind: string;
  status: string;
  stage: string;
  applicantName: string;
  amountYuan: number;
  paidYuan: number;
  submittedAt: string;
}

export interface Org {
  code: string;
  name: string;
  type: string;
  inDistrict: boolean;
  townCode: string | null;
  regulatorCode: string | null;
  certRereviewOrgCode: string | null;
  active?: boolean;
}

/** an organisation as the administration sees it (GET /admin/orgs) */
export interface AdminOrg extends Org {
  creditCode: string | null;
  certRereviewBy: 'town' | 'regulator' | null;
  competentOrgCode: string | null;
  lowerCommitteeOrgCode: string | null;
  address: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ImportRow {
  row: number;
  action: 'created' | 'updated' | 'unchanged' | 'refused';
  code: string | null;
  name: string | null;
  creditCode: string | null;
  reasons: { code: string; field: string; value?: string; message: string }[];
}

export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  encoding: 'utf-8' | 'gbk';
  ignoredColumns: string[];
  total: number;
  counts: Record<ImportRow['action'], number>;
  openClaimsNoted: number;
  rows: ImportRow[];
}

/** an account as the administration sees it (the accounts API, GET /admin/users) */
export interface AdminUser {
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  orgName?: string | null;
  active?: boolean;
  mustChangePassword?: boolean;
  createdAt?: string;
}

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  orgName: string | null;
}
