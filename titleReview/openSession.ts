/**
 * Opening the annual review session of a level: checked here, then the session workflow starts carrying the
 * session, which it records as its first step (one per level and year: the workflow id says which).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { Problem } from '../platform/http/problem';
import { withTemporal } from '../platform/http/temporalErrors';
import type { AppDeps } from '../platform/http/deps';
import { settledStateUpdate, type Actor } from '../platform/tasks/messages';
import { titleSessionWorkflowId, type TitleLevel } from './rules';
import type { TitleSessionInput } from './workflows/titleSession';

export async function openSession(
  deps: Pick<AppDeps, 'db' | 'temporal' | 'config'>,
  actor: Actor,
  body: { year: number; level: TitleLevel; meetingDate: string; ballotThreshold?: boolean },
): Promise<{ id: string }> {
  const { db, temporal, config } = deps;
  const exists = await db.selectFrom('zj_session').select('id').where('year', '=', body.year).where('level', '=', body.level).executeTakeFirst();
  if (exists) throw new Problem('SESSION_EXISTS', `the ${body.year} ${body.level} session already exists: ${exists.id}`, { sessionId: exists.id });
  const id = randomUUID();
  const workflowId = titleSessionWorkflowId(body.year, body.level);
  const input: TitleSessionInput = {
    sessionId: id,
    year: body.year,
    level: body.level,
    meetingDate: body.meetingDate,
    ...(body.ballotThreshold ? { ballotThreshold: true } : {}),
    record: {
      id,
      year: body.year,
      level: body.level,
      meetingDate: body.meetingDate,
      workflowId,
      createdBy: actor.username,
      createdAt: new Date().toISOString(),
      ...(body.ballotThreshold ? { ballotThreshold: true } : {}),
    },
  };
  try {
    await withTemporal(() =>
      temporal.workflow.start('titleSessionWorkflow', {
        taskQueue: config.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new Problem('SESSION_EXISTS', `the ${body.year} ${body.level} session already exists`);
    throw err;
  }
  // the office sees the session at once: the workflow settles once it has recorded it (bounded wait)
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    temporal.workflow
      .getHandle(workflowId)
      .executeUpdate(settledStateUpdate)
      .catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
  ]);
  clearTimeout(timer);
  return { id };
}
