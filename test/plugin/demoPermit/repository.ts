/** Every write of the demo_permit table (the one-writer rule, as a real domain keeps it). */
import { demoDb } from './table';

export interface SubmittedPermit {
  permitId: string;
  reference: string;
  kind: string;
  applicantName: string;
  applicantIdNumber: string;
}

/** The permit as submitted, written once however often its activity runs. */
export async function insertPermit(db: unknown, p: SubmittedPermit, at: string): Promise<void> {
  await demoDb(db)
    .insertInto('demo_permit')
    .values({
      id: p.permitId,
      reference: p.reference,
      kind: p.kind,
      status: 'review',
      stage: 'review',
      applicant_name: p.applicantName,
      applicant_id_number: p.applicantIdNumber,
      submitted_at: new Date(at),
      closed_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function setPermitStatus(db: unknown, id: string, status: string, stage: string, closedAt: string | null): Promise<void> {
  await demoDb(db)
    .updateTable('demo_permit')
    .set({ status, stage, closed_at: closedAt ? new Date(closedAt) : null })
    .where('id', '=', id)
    .execute();
}
