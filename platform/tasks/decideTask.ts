/**
 * A clerk's decision on a task: checks who may decide, sends the `decide` Update and answers with the state the
 * workflow committed. An Idempotency-Key is reserved before the Update is sent, so a retry after a lost answer
 * (the request deadline, a crash) answers with the committed state instead of a conflict.
 */
import { createHash } from 'node:crypto';
import { Problem } from '../http/problem';
import { withTemporal } from '../http/temporalErrors';
import { taskView } from '../http/views';
import { IN_PROGRESS, idempotencyRepository } from '../http/idempotencyRepository';
import type { AppDeps } from '../http/deps';
import type { DecisionInputBody } from '../http/schemas';
import type { Task } from '../../db/schema';
import { decideUpdate, type Actor } from './messages';
import { normaliseTaskId } from './taskIds';
import { canDecide } from './access';
import { findSubject } from '../plugins/registry';
import { recordSupplementRequest } from '../materials/useCases';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';
import { workflowActor } from '../identity/personRef';

export type DecideOutcome = { replay: { status: number; body: unknown } } | { result: unknown; replayed: boolean; workflowId: string | null };

export async function decideTask(
  deps: Pick<AppDeps, 'db' | 'temporal'>,
  actor: Actor,
  taskId: string,
  body: DecisionInputBody,
  rawKey: string | undefined,
): Promise<DecideOutcome> {
  const { db, temporal } = deps;
  const keys = idempotencyRepository(db);
  const key = rawKey?.trim();
  if (key !== undefined && (key.length === 0 || key.length > 200)) throw new Problem('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 characters');
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ task: taskId, body }))
    .digest('hex');
  let reserved = false;
  if (key) {
    const prior = await keys.find(actor.userId, key);
    if (prior && prior.request_hash !== requestHash) throw new Problem('IDEMPOTENCY_KEY_REUSED');
    if (prior && prior.status_code !== IN_PROGRESS) return { replay: { status: prior.status_code, body: prior.response } };
    reserved = !!prior;
    if (!prior) await keys.reserve(actor.userId, key, requestHash);
  }
  const remember = async (result: unknown, replayed: boolean, workflowId: string): Promise<DecideOutcome> => {
    if (key) await keys.remember(actor.userId, key, result);
    return { result, replayed, workflowId };
  };
  const calendar = async () => {
    const year = Number(shanghaiDate(new Date()).slice(0, 4));
    return displayCalendar(db, year - 1, year + 1);
  };
  try {
    const t = await db.selectFrom('task').selectAll().where('id', '=', normaliseTaskId(taskId)).executeTakeFirst();
    if (!t) throw new Problem('NOT_FOUND', 'no such task');
    if (!canDecide(actor, t)) throw new Problem('NOT_YOUR_TASK');
    if (reserved && t.state === 'done' && t.decided_by === actor.username) {
      // an earlier attempt with this key was taken; its answer was lost
      const subject = await subjectState(deps, t);
      if (subject) return remember({ task: taskView(t, await calendar()), subject }, true, t.workflow_id);
    }
    if (t.state === 'done' || t.state === 'cancelled')
      throw new Problem('TASK_ALREADY_DECIDED', `decided ${t.decision ?? t.state} by ${t.decided_by ?? 'the system'}`);
    if (t.state === 'paused') throw new Problem('TASK_PAUSED');

    const { decision, comment, missingKinds, ...fields } = body;
    // the kinds asked for are kept outside the workflow; the request's timeline row names them (0025_materials)
    if (decision === 'request_supplement') await recordSupplementRequest(db, t, missingKinds, actor.username);
    // the update id makes a retried request with the same key one update in the workflow too
    const updateId = key ? `idem-${createHash('sha256').update(`${actor.userId}:${key}`).digest('hex').slice(0, 32)}` : undefined;
    const state = await withTemporal(() =>
      temporal.workflow.getHandle(t.workflow_id).executeUpdate(decideUpdate, {
        args: [{ taskId: t.id, actor: workflowActor(actor), decision, comment, fields }],
        ...(updateId ? { updateId } : {}),
      }),
    );
    const [decided, cal] = await Promise.all([db.selectFrom('task').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow(), calendar()]);
    const subject = { status: state.status, stage: state.stage, ...(state.notice ? { notice: state.notice } : {}) };
    return remember({ task: taskView(decided, cal), subject }, false, t.workflow_id);
  } catch (err) {
    // a refusal is final and frees the key; an unknown outcome (503) keeps it reserved for the retry
    if (key && err instanceof Problem && err.status !== 503) await keys.release(actor.userId, key);
    throw err;
  }
}

/** the subject's committed status and stage, as a decision's answer shows them */
async function subjectState(deps: Pick<AppDeps, 'db'>, t: Task): Promise<{ status: string; stage: string } | null> {
  const s = await findSubject(deps.db, t.subject_type, t.subject_id);
  return s ? { status: s.status, stage: s.stage } : null;
}
