/**
 * A test-only third process, "demo permit", as a plug-in of the kernel: its subject (inbox name and search, task
 * page, public progress) and its report. test/plugin/demoPermit.test.ts installs it beside the real domains and
 * shows that the kernel serves it without a line of platform/ changed.
 */
import { z } from 'zod';
import type { DomainPlugin, ReportDefinition, SubjectFacts, SubjectProvider } from '../../../platform/plugins/domainPlugin';
import { maskIdNumber } from '../../../platform/identity/idNumber';
import { DEMO_PERMIT_SUBJECT, DEMO_REVIEW_TASK } from './names';
import { type DemoPermitTable, demoDb } from './table';

function facts(p: DemoPermitTable): SubjectFacts {
  return {
    type: DEMO_PERMIT_SUBJECT,
    id: p.id,
    reference: p.reference,
    kind: p.kind,
    level: null,
    status: p.status,
    stage: p.stage,
    applicantName: p.applicant_name,
    applicantUserId: null,
    applicantIdNumber: p.applicant_id_number,
    submittedAt: new Date(p.submitted_at),
    closedAt: p.closed_at ? new Date(p.closed_at) : null,
  };
}

export const demoPermitSubjects: SubjectProvider = {
  type: DEMO_PERMIT_SUBJECT,
  async find(db, ids) {
    if (!ids.length) return [];
    return (
      await demoDb(db)
        .selectFrom('demo_permit')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    ).map(facts);
  },
  async findByReference(db, reference) {
    const p = await demoDb(db).selectFrom('demo_permit').selectAll().where('reference', '=', reference).executeTakeFirst();
    return p && facts(p);
  },
  idsByApplicantName: (db, like) => demoDb(db).selectFrom('demo_permit').select('id').where('applicant_name', 'like', like) as never,
  async taskSummary(db, t) {
    const p = await demoDb(db).selectFrom('demo_permit').selectAll().where('id', '=', t.subject_id).executeTakeFirst();
    if (!p) return null;
    return { reference: p.reference, kind: p.kind, status: p.status, applicantName: p.applicant_name, applicantIdNumber: maskIdNumber(p.applicant_id_number) };
  },
};

const PermitRow = z.object({ reference: z.string(), kind: z.string(), applicantName: z.string(), status: z.string() });

export const demoPermitsReport: ReportDefinition = {
  path: 'demo-permits',
  summary: 'Demo permits and their status (test-only plug-in)',
  row: PermitRow,
  csv: [
    ['reference', '编号'],
    ['kind', '类别'],
    ['applicantName', '申请人'],
    ['status', '状态'],
  ],
  async run(db) {
    const rows = await demoDb(db).selectFrom('demo_permit').selectAll().orderBy('reference').execute();
    return rows.map((p) => ({ reference: p.reference, kind: p.kind, applicantName: p.applicant_name, status: p.status }));
  },
};

export const demoPermitPlugin: DomainPlugin = {
  name: 'demoPermit',
  subjects: [demoPermitSubjects],
  reports: [demoPermitsReport],
  personalData: [{ table: 'demo_permit', indexed: ['applicant_id_number'], encrypted: [] }],
  taskKinds: { [DEMO_REVIEW_TASK]: '演示许可审核' },
};
