/** The check of an objection investigation's decision (approve = the objection is upheld). Pure: no I/O. */

export type InvestigationCheck = { ok: true } | { ok: false; message: string };

export function checkInvestigation(
  decision: string,
  fields: Record<string, unknown>,
  ctx: { entryIds?: readonly string[]; objectionEntryId?: string | null } = {},
): InvestigationCheck {
  const comment = typeof fields.comment === 'string' ? fields.comment.trim() : '';
  if (decision !== 'approve' && decision !== 'reject') return { ok: false, message: 'decision must be approve or reject' };
  if (decision === 'reject' && !comment) return { ok: false, message: 'a rejection needs a comment giving the reason' };
  if (!comment) return { ok: false, message: 'an investigation needs its finding in the comment' };
  if (decision === 'approve' && ctx.entryIds && ctx.entryIds.length > 1 && !ctx.objectionEntryId) {
    const a = fields.applicationId;
    if (typeof a !== 'string' || !ctx.entryIds.includes(a)) {
      return { ok: false, message: 'the objection names no applicant: give applicationId of the publicised applicant it concerns' };
    }
  }
  return { ok: true };
}
