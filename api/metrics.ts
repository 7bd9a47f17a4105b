/**
 * Prometheus metrics of the API process (GET /metrics, text exposition format):
 *   http_request_duration_seconds{method,route,status}  histogram, route = the route template (/api/v1/tasks/:id)
 *   zj_tasks_open{kind}, zj_tasks_overdue{kind}, zj_tasks_paused{kind}   gauges, from Postgres at scrape time
 *   zj_payouts_count, zj_payouts_amount_yuan, zj_payouts_recovered_count   from Postgres at scrape time
 *   the business metrics each domain contributes (platform/metrics/gaugeFamilies.ts, composed in api/app.ts):
 *     zj_stage_tasks_open{stage,org}, zj_stage_tasks_overdue{stage,org}, zj_decisions_last_hour{stage,org},
 *     zj_decisions{stage}, zj_deadlines_missed{stage,org}, zj_reconciliation_findings{kind,needs_person},
 *     zj_reconciliation_last_run_timestamp_seconds, zj_instalments{due_year,status}, zj_instalments_due_unreleased
 *   zj_temporal_up                                       1 if the API reached the Temporal server at scrape time
 *   process_* / nodejs_*                                 prom-client default metrics
 * The Temporal worker's own metrics (task slots, poll latency, activity/workflow task latency…) are exported by the
 * SDK runtime on a separate port (runtime/worker.ts, runtime/start.ts: TEMPORAL_METRICS_PORT, default 9464).
 *
 * Access: /metrics is not under /api/v1 and carries no personal data, but task counts are operational information:
 * it answers loopback clients only, or any client sending `Authorization: Bearer $METRICS_TOKEN` when that is set
 * (404 otherwise, so it is not advertised).
 */
import type { Request, RequestHandler } from 'express';
import { sql, type Kysely } from 'kysely';
import { Registry, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/schema';
import type { GaugeFamily } from '../platform/metrics/gaugeFamilies';
import { Problem, sendProblem } from '../platform/http/problem';

export interface ApiMetrics {
  registry: Registry;
  /** times every request; mount first */
  middleware: RequestHandler;
  /** GET /metrics */
  handler: RequestHandler;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function routeOf(req: Request): string {
  const r = (req as { route?: { path?: unknown } }).route;
  if (r && typeof r.path === 'string') return `${req.baseUrl ?? ''}${r.path}`;
  return req.path === '/healthz' || req.path === '/metrics' || req.path === '/api/v1/openapi.json' ? req.path : 'unmatched';
}

export function createApiMetrics(
  db: Kysely<Database>,
  opts: { token?: string; defaultMetrics?: boolean; families?: readonly GaugeFamily[]; temporalUp?: () => Promise<boolean> } = {},
): ApiMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const open = new Gauge({ name: 'zj_tasks_open', help: 'open tasks per kind', labelNames: ['kind'] as const, registers: [registry] });
  const overdue = new Gauge({
    name: 'zj_tasks_overdue',
    help: 'open tasks past their deadline per kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'zj_tasks_paused',
    help: 'tasks waiting for supplementary materials per kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const payouts = new Gauge({ name: 'zj_payouts_count', help: 'payouts made (all time)', registers: [registry] });
  const payoutYuan = new Gauge({ name: 'zj_payouts_amount_yuan', help: 'yuan paid out (all time, before recoveries)', registers: [registry] });
  const recovered = new Gauge({ name: 'zj_payouts_recovered_count', help: 'payouts recovered by a clawback', registers: [registry] });
  const scrapeErrors = new Gauge({ name: 'zj_metrics_db_up', help: '1 if the last scrape could read Postgres', registers: [registry] });
  const temporalUp = new Gauge({ name: 'zj_temporal_up', help: '1 if the API reached the Temporal server at the last scrape', registers: [registry] });
  const families = (opts.families ?? []).map((f) => ({
    family: f,
    gauge: new Gauge({ name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] }),
  }));

  async function collectFromDb() {
    const tasks = await sql<{ kind: string; open: string; overdue: string; paused: string }>`
      select kind,
             count(*) filter (where state = 'open') as open,
             count(*) filter (where state = 'open' and (overdue_at is not null or due_at < now())) as overdue,
             count(*) filter (where state = 'paused') as paused
        from task where state in ('open', 'paused') group by kind`.execute(db);
    const p = await sql<{ n: string; yuan: string | null; recovered: string }>`
      select count(*) as n, sum(amount_yuan) as yuan, count(*) filter (where recovered_at is not null) as recovered from payout`.execute(db);
    open.reset();
    overdue.reset();
    paused.reset();
    for (const r of tasks.rows) {
      open.set({ kind: r.kind }, Number(r.open));
      overdue.set({ kind: r.kind }, Number(r.overdue));
      paused.set({ kind: r.kind }, Number(r.paused));
    }
    payouts.set(Number(p.rows[0]?.n ?? 0));
    payoutYuan.set(Number(p.rows[0]?.yuan ?? 0));
    recovered.set(Number(p.rows[0]?.recovered ?? 0));
    const samples = await Promise.all(families.map((f) => f.family.collect(db)));
    families.forEach(({ gauge }, i) => {
      gauge.reset();
      for (const s of samples[i]!) gauge.set(s.labels, s.value);
    });
  }

  return {
    registry,
    middleware: (req, res, next) => {
      const end = duration.startTimer();
      res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
      next();
    },
    handler: async (req, res) => {
      const token = opts.token;
      // without a token only a direct loopback client: a request that came through a (same-host) reverse proxy carries
      // its forwarding headers and is refused, so a proxy never exposes the metrics
      const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined;
      const allowed = token ? req.headers.authorization === `Bearer ${token}` : !proxied && LOOPBACK.has(req.socket.remoteAddress ?? '');
      if (!allowed) return sendProblem(res, new Problem('NOT_FOUND', 'no such route'));
      const temporal = opts.temporalUp?.().catch(() => false);
      try {
        await Promise.race([collectFromDb(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())]);
        scrapeErrors.set(1);
      } catch {
        scrapeErrors.set(0);
      }
      if (temporal) temporalUp.set((await Promise.race([temporal, new Promise<false>((r) => setTimeout(() => r(false), 3000).unref())])) ? 1 : 0);
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    },
  };
}
