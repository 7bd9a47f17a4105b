/**
 * Task ids. Inside a workflow a task is known as `${workflowId}/${stageKey}` (e.g.
 * `nanxun-claim-NX-ZS-2026-000001/y2/unit_verification`); that form is in every recorded history, so the
 * workflows keep it. Everywhere outside (the `task` table, the API, the console) the id is URL-safe: each `/`
 * becomes `~` (`nanxun-claim-NX-ZS-2026-000001~y2~unit_verification`), so `/api/v1/tasks/:id/decision` needs no
 * percent-encoding. An id of the old form (sent percent-encoded, so Express decodes it to `/`) still resolves.
 */

/** The stored, public form of a task id the workflow produced. */
export function storedTaskId(workflowTaskId: string): string {
  return workflowTaskId.replaceAll('/', '~');
}

/** The id the workflow's Update handlers know a stored task by. */
export function workflowTaskId(storedId: string): string {
  return storedId.replaceAll('~', '/');
}

/** A task id from a URL or a body, in either form, as stored. */
export const normaliseTaskId = storedTaskId;
