/**
 * Workflow interceptors for tracing (a `workflowInterceptorModules` entry of the bundle when tracing is on):
 * the OpenTelemetry interceptors of @temporalio/interceptors-opentelemetry, plus one link they lack. A decision
 * arrives as an Update, but the activity that writes it is scheduled by the workflow's main loop, not by the Update
 * handler, so on its own the activity's span would hang under the workflow's run span in another trace. Here an
 * activity scheduled while an Update is being handled is started in that Update's span context, so one trace runs
 * from the HTTP request through the Update to the SQL write. Only headers change (no command), so histories replay.
 */
import * as otel from '@opentelemetry/api';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  UpdateInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';

/** the span contexts of the Updates being handled, latest last (one workflow per interceptors() call) */
class UpdateContexts {
  private readonly active: otel.Context[] = [];
  push(c: otel.Context): () => void {
    this.active.push(c);
    return () => {
      const i = this.active.indexOf(c);
      if (i >= 0) this.active.splice(i, 1);
    };
  }
  latest(): otel.Context | undefined {
    return this.active.at(-1);
  }
}

class RememberUpdateContext implements WorkflowInboundCallsInterceptor {
  constructor(private readonly contexts: UpdateContexts) {}
  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const done = this.contexts.push(otel.context.active());
    try {
      return await next(input);
    } finally {
      done();
    }
  }
}

class ScheduleInUpdateContext implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly contexts: UpdateContexts) {}
  private within<T>(fn: () => T): T {
    const c = this.contexts.latest();
    return c ? otel.context.with(c, fn) : fn();
  }
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return this.within(() => next(input));
  }
  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return this.within(() => next(input));
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const contexts = new UpdateContexts();
  return {
    // inbound: OpenTelemetry's span first, then remember the context it made active
    inbound: [new OpenTelemetryInboundInterceptor(), new RememberUpdateContext(contexts)],
    // outbound: choose the parent context first, then OpenTelemetry starts the activity's span in it
    outbound: [new ScheduleInUpdateContext(contexts), new OpenTelemetryOutboundInterceptor()],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
