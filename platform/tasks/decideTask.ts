/**
 * A clerk's decision on a task: checks who may decide, sends the `decide` Update and answers with the state the
 * workflow committed. With an Idempotency-Key, the Update's id is derived from the user and the key, so Temporal
 * takes a repeated request as the same Update; the answer is stored (one write) once there is one, and a retry
 * after a lost answer (the request deadline, a crash before the answer was stored) finds the decision taken under
 * that Update id and answers it instead of a conflict. (Until issue 23 the key was also reserved before the
 * Update was sent, a second write per decision; a reservation an older API left, status 102, is still honoured.)
 */
import { createHash } from 'node:crypto';
import { Problem } from '../http/problem';
import { isUnavailable, temporalProblem, withTemporal } from '../http/temporalErrors';
import { taskView } from '../http/views';
import { IN_PROGRESS, idempotencyRepository } from '../http/idempotencyRepository';
import type { AppDeps } from '../http/deps';
import type { DecisionInputBody } from '../http/schemas';
import type { Task } from '../../db/schema';
import { decideUpdate, type Actor, type DecidedTaskWrite, type SubjectState } from './messages';
import { normaliseTaskId } from './taskIds';
import { canDecide } from './access';
import { findSubject } from '../plugins/registry';
import { recordSupplementRequest } from '../materials/useCases';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';
import { workflowActor } from '../identity/personRef';

/**
 * `stored`: the answer being stored for its Idempotency-Key. The answer does not wait for it: a retry that comes
 * before it (or after it failed) is answered from the workflow's Update of that id (takenUpdate), as after a crash.
 */
export type DecideOutcome =
  | { replay: { status: number; body: unknown } }
  | { result: unknown; replayed: boolean; workflowId: string | null; stored?: Promise<void> };

/** the Update id of a request with an Idempotency-Key: the same user and key are the same Update in the workflow */
export const decisionUpdateId = (userId: number, key: string): string => `idem-${createHash('sha256').update(`${userId}:${key}`).digest('hex').slice(0, 32)}`;

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
  const updateId = key ? decisionUpdateId(actor.userId, key) : undefined;
  const calendar = async () => {
    const year = Number(shanghaiDate(new Date()).slice(0, 4));
    return displayCalendar(db, year - 1, year + 1);
  };
  // the stored answer (if any) and the task, side by side: neither is a write
  const [prior, t] = await Promise.all([
    key ? keys.find(actor.userId, key) : undefined,
    db.selectFrom('task').selectAll().where('id', '=', normaliseTaskId(taskId)).executeTakeFirst(),
  ]);
  if (prior && prior.request_hash !== requestHash) throw new Problem('IDEMPOTENCY_KEY_REUSED');
  if (prior && prior.status_code !== IN_PROGRESS) return { replay: { status: prior.status_code, body: prior.response } };
  const remember = (result: unknown, replayed: boolean, workflowId: string): DecideOutcome => ({
    result,
    replayed,
    workflowId,
    ...(key ? { stored: storing(keys.remember(actor.userId, key, requestHash, result)) } : {}),
  });
  try {
    if (!t) throw new Problem('NOT_FOUND', 'no such task');
    if (!canDecide(actor, t)) throw new Problem('NOT_YOUR_TASK');
    if (key && updateId && t.state === 'done' && t.decided_by === actor.username) {
      // an earlier attempt with this key may have been taken and its answer lost: the workflow knows its Update id
      const subject = prior ? await subjectState(deps, t) : await takenUpdate(deps, t, updateId);
      if (subject) return remember({ task: taskView(t, await calendar()), subject }, true, t.workflow_id);
    }
    if (t.state === 'done' || t.state === 'cancelled')
      throw new Problem('TASK_ALREADY_DECIDED', `decided ${t.decision ?? t.state} by ${t.decided_by ?? 'the system'}`);
    if (t.state === 'paused') throw new Problem('TASK_PAUSED');

    const { decision, comment, missingKinds, ...fields } = body;
    // the kinds asked for are kept outside the workflow; the request's timeline row names them (0025_materials)
    if (decision === 'request_supplement') await recordSupplementRequest(db, t, missingKinds, actor.username);
    const state = await withTemporal(() =>
      temporal.workflow.getHandle(t.workflow_id).executeUpdate(decideUpdate, {
        args: [{ taskId: t.id, actor: workflowActor(actor), decision, comment, fields }],
        ...(updateId ? { updateId } : {}),
      }),
    );
    // the task as the decision's transaction left it: what the workflow says it wrote, over the row read before (a
    // decision that did not close the task, e.g. a request for materials, is read back)
    const [decided, cal] = await Promise.all([
      state.decided?.taskId === t.id ? afterDecision(t, state.decided) : db.selectFrom('task').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow(),
      calendar(),
    ]);
    return remember({ task: taskView(decided, cal), subject: subjectOf(state) }, false, t.workflow_id);
  } catch (err) {
    // a refusal is final and frees a key an older API reserved; an unknown outcome (503) keeps it for the retry
    if (key && prior && err instanceof Problem && err.status !== 503) await keys.release(actor.userId, key);
    throw err;
  }
}

/** a store nobody may wait for is never an unhandled rejection (the route logs its failure) */
function storing(p: Promise<void>): Promise<void> {
  p.catch(() => undefined);
  return p;
}

/** the task row after a decision closed it (platform/tasks/activities.ts writeCompletion sets exactly these) */
const afterDecision = (t: Task, w: DecidedTaskWrite): Task => ({
  ...t,
  state: 'done',
  decision: w.decision,
  decided_at: new Date(w.decidedAt),
  decided_by: w.decidedBy,
  comment: w.comment,
});

const subjectOf = (state: SubjectState) => ({ status: state.status, stage: state.stage, ...(state.notice ? { notice: state.notice } : {}) });

/**
 * The answer to a retried request whose Update (this id) the workflow took, or null when no such Update arrived —
 * then another request decided the task. The Update's own outcome where Temporal still gives it; otherwise (e.g.
 * the workflow has ended since) the workflow's history proves the Update was accepted and the answer shows the
 * subject's committed state, as a key reserved by an older API does.
 */
async function takenUpdate(deps: Pick<AppDeps, 'db' | 'temporal'>, t: Task, updateId: string): Promise<ReturnType<typeof subjectOf> | null> {
  const handle = deps.temporal.workflow.getHandle(t.workflow_id);
  try {
    return subjectOf(await handle.getUpdateHandle<SubjectState>(updateId).result());
  } catch (err) {
    if (isUnavailable(err)) throw temporalProblem(err);
  }
  try {
    const { events } = await handle.fetchHistory();
    const accepted = (events ?? []).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId);
    return accepted ? await subjectState(deps, t) : null;
  } catch (err) {
    throw temporalProblem(err);
  }
}

/** the subject's committed status and stage, as a decision's answer shows them */
async function subjectState(deps: Pick<AppDeps, 'db'>, t: Task): Promise<{ status: string; stage: string } | null> {
  const s = await findSubject(deps.db, t.subject_type, t.subject_id);
  return s ? { status: s.status, stage: s.stage } : null;
}
