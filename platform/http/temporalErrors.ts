/**
 * Maps what the Temporal client throws to problem+json: a validator's rejection keeps its stable code,
 * an unreachable server is 503 TEMPORAL_UNAVAILABLE.
 */
import {
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  ServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Problem, ProblemCodes, type ProblemCode } from './problem';

export function temporalProblem(err: unknown): Problem {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && cause.type in ProblemCodes) {
      return new Problem(cause.type as ProblemCode, cause.message);
    }
    return new Problem('INVALID_DECISION', cause?.message ?? err.message);
  }
  if (err instanceof WorkflowNotFoundError) return new Problem('TASK_ALREADY_DECIDED', 'the process has already ended');
  // the request's deadline (AppConfig.temporalDeadlineMs) passed while the update was being sent or awaited
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return new Problem('TEMPORAL_UNAVAILABLE', 'the workflow service did not answer in time; retry with the same Idempotency-Key');
  if (isUnavailable(err)) return new Problem('TEMPORAL_UNAVAILABLE');
  throw err;
}

export function isUnavailable(err: unknown): boolean {
  if (isGrpcServiceError(err)) return [14, 4].includes(err.code); // UNAVAILABLE, DEADLINE_EXCEEDED
  if (err instanceof ServiceError) {
    const c = (err.cause as { code?: number } | undefined)?.code;
    return c === 14 || c === 4 || /unavailable|connect|deadline/i.test(err.message);
  }
  const e = err as { code?: number; message?: string } | undefined;
  return e?.code === 14 || /failed to connect|transport error|connection refused|tcp connect error|Failed to connect/i.test(e?.message ?? '');
}

/** Runs a Temporal call, translating failures into problems. */
export async function withTemporal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw temporalProblem(err);
  }
}
