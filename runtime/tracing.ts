/**
 * OpenTelemetry tracing for the API and the worker: HTTP (incoming and outgoing), Express routes and pg statements
 * by auto-instrumentation; the Temporal client, workflows and activities by @temporalio/interceptors-opentelemetry
 * (runtime/api.ts, runtime/workerFactory.ts, platform/tracing/workflowInterceptors.ts).
 *
 * Where spans go:
 * - OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard OTEL_EXPORTER_OTLP_* variables): OTLP over HTTP/protobuf.
 * - TRACES_DIR, or in development mode (NODE_ENV not production) $DATA_DIR/traces: one JSON object per finished span
 *   and line, in `<service>-<pid>.jsonl` (file mode 0600: spans hold URLs and SQL text).
 * TRACING=off turns it all off; in production with neither variable set it is off.
 *
 * Import this module before anything else (first import of the entry point): the instrumentations hook `http`,
 * `express` and `pg` when those are first required.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingSettings {
  otlp: boolean;
  /** the folder of the JSON-lines files, or null */
  fileDir: string | null;
}

export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | null {
  if (env.TRACING === 'off') return null;
  const otlp = !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const devMode = (env.NODE_ENV ?? 'development') !== 'production';
  const dataDir = path.resolve(__dirname, '..', env.DATA_DIR ?? '.data');
  const fileDir = env.TRACES_DIR ? path.resolve(env.TRACES_DIR) : devMode ? path.join(dataDir, 'traces') : null;
  if (!otlp && !fileDir) return null;
  return { otlp, fileDir };
}

/** A finished span as one JSON line (the fields a person or a test needs to follow a trace). */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  start: string;
  durationMs: number;
  status: number;
  attributes: Attributes;
}

/** Writes finished spans as JSON lines to a file only its owner can read. */
export class JsonLinesSpanExporter implements SpanExporter {
  private readonly fd: number;
  constructor(
    readonly file: string,
    private readonly service: string,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = fs.openSync(file, 'a', 0o600);
    fs.fchmodSync(this.fd, 0o600);
  }
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    try {
      const lines = spans.map((s) => JSON.stringify(toLine(s, this.service))).join('\n');
      if (lines) fs.writeSync(this.fd, `${lines}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }
  async shutdown(): Promise<void> {
    fs.closeSync(this.fd);
  }
  async forceFlush(): Promise<void> {}
}

function toLine(s: ReadableSpan, service: string): SpanLine {
  const ctx = s.spanContext();
  const [sec, ns] = s.startTime;
  const [dsec, dns] = s.duration;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(parentOf(s) ? { parentSpanId: parentOf(s) } : {}),
    name: s.name,
    kind: s.kind,
    service,
    start: new Date(sec * 1000 + ns / 1e6).toISOString(),
    durationMs: dsec * 1000 + dns / 1e6,
    status: s.status.code,
    attributes: s.attributes,
  };
}

/** SDK 2 spans name their parent by parentSpanContext; the workflow sandbox's (SDK 1) by parentSpanId */
function parentOf(s: ReadableSpan): string | undefined {
  return s.parentSpanContext?.spanId ?? (s as unknown as { parentSpanId?: string }).parentSpanId;
}

/**
 * Spans made inside the workflow sandbox (OpenTelemetry SDK 1 shapes, makeWorkflowExporter) brought to the SDK 2
 * shape before they reach the exporters, so OTLP keeps their parents.
 */
class WorkflowSpanAdapter implements SpanProcessor {
  constructor(private readonly next: SpanProcessor[]) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const v1 = span as unknown as { parentSpanId?: string; instrumentationLibrary?: ReadableSpan['instrumentationScope'] };
    const adapted = Object.assign(Object.create(Object.getPrototypeOf(span)), span, {
      parentSpanContext:
        span.parentSpanContext ?? (v1.parentSpanId ? { traceId: span.spanContext().traceId, spanId: v1.parentSpanId, traceFlags: 1 } : undefined),
      instrumentationScope: span.instrumentationScope ?? v1.instrumentationLibrary ?? { name: '@temporalio/interceptor-workflow' },
      droppedAttributesCount: span.droppedAttributesCount ?? 0,
      droppedEventsCount: span.droppedEventsCount ?? 0,
      droppedLinksCount: span.droppedLinksCount ?? 0,
    }) as ReadableSpan;
    for (const p of this.next) p.onEnd(adapted);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The workflow interceptor modules a workflow bundle for a tracing worker needs (bundleWorkflowCode's workflowInterceptorModules). */
export function workflowBundleInterceptorModules(): string[] {
  return [require.resolve('../platform/tracing/workflowInterceptors')];
}

export interface Tracing {
  settings: TracingSettings;
  file: string | null;
  resource: ReturnType<typeof resourceFromAttributes>;
  /** where the worker's makeWorkflowExporter sends the spans of workflows */
  workflowSpanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

let current: Tracing | null = null;

/** The tracing set up by startTracing in this process, if any. */
export function activeTracing(): Tracing | null {
  return current;
}

/** Sets up tracing once per process if tracingSettings() says so; returns null when it is off. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (current) return current;
  const settings = tracingSettings(env);
  if (!settings) return null;
  const resource = resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? service });
  const processors: SpanProcessor[] = [];
  let file: string | null = null;
  if (settings.fileDir) {
    file = path.join(settings.fileDir, `${service}-${process.pid}.jsonl`);
    // short delay: a test or a person reading the file sees a request's spans within a second
    processors.push(new BatchSpanProcessor(new JsonLinesSpanExporter(file, service), { scheduledDelayMillis: 500 }));
  }
  if (settings.otlp) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/metrics' }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  current = {
    settings,
    file,
    resource,
    workflowSpanProcessor: new WorkflowSpanAdapter(processors),
    shutdown: () => provider.shutdown(),
  };
  return current;
}
