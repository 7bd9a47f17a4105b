/**
 * An employer moved to another town/zone or regulator: each of its open claims stays with the body it was routed
 * to (the workflow carries it; the claim row keeps it), and gets a timeline note saying so and where new claims go.
 */
import type { EmployerMove, Db } from '../platform/plugins/domainPlugin';
import { insertTimeline } from '../platform/timeline/timeline';
import { openClaimsOf } from './repositories/claims';

/** what a move means for the employer's open claims: each stays with its body, the note says where new ones go */
export async function claimMovesNoted(trx: Db, moved: readonly EmployerMove[], actor: string, at: Date): Promise<number> {
  const byCode = new Map(moved.map((m) => [m.code, m]));
  const claims = await openClaimsOf(trx, [...byCode.keys()]);
  if (!claims.length) return 0;
  const codes = new Set<string>();
  for (const m of moved) for (const c of [m.before.townCode, m.before.regulatorCode, m.after.townCode, m.after.regulatorCode]) if (c) codes.add(c);
  for (const c of claims) codes.add(c.rereview_org_code);
  const names = new Map(
    (
      await trx
        .selectFrom('org')
        .select(['code', 'name'])
        .where('code', 'in', [...codes])
        .execute()
    ).map((o) => [o.code, o.name]),
  );
  const name = (c: string | null) => (c ? (names.get(c) ?? c) : '（无）');
  for (const c of claims) {
    const m = byCode.get(c.employer_org_code)!;
    const nextBody = c.kind === 'certificate' ? m.after.certRereviewOrgCode : m.after.regulatorCode;
    await insertTimeline(trx, {
      eventKey: `org-moved:${m.code}:${at.toISOString()}:${c.id}`,
      subjectType: 'nanxun_claim',
      subjectId: c.id,
      stage: c.stage,
      orgCode: null,
      actor,
      actorName: '系统管理员',
      event: 'employer_moved',
      comment:
        `申请人所在单位已改属${name(m.after.townCode)}、行业监管部门${name(m.after.regulatorCode)}（原属${name(m.before.townCode)}、${name(m.before.regulatorCode)}）。` +
        `本申请仍由${name(c.rereview_org_code)}复审；此后新提交的申请由${name(nextBody)}复审。`,
      data: {
        employerOrgCode: m.code,
        before: { townCode: m.before.townCode, regulatorCode: m.before.regulatorCode },
        after: { townCode: m.after.townCode, regulatorCode: m.after.regulatorCode },
        rereviewOrgCode: c.rereview_org_code,
        newClaimsRereviewOrgCode: nextBody,
      },
      at: at.toISOString(),
    });
  }
  return claims.length;
}
