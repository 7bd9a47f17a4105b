/** The demo permit's activities (one factory, as activities/index.ts spreads a domain's). */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../../../platform/timeline/timeline';
import { unsealFromWorkflow } from '../../../platform/identity/personRef';
import { DEMO_PERMIT_SUBJECT } from './names';
import { insertPermit, setPermitStatus, type SubmittedPermit } from './repository';

export function createDemoPermitActivities(db: Kysely<Database>) {
  return {
    async recordDemoPermit(input: { permit: SubmittedPermit; at: string; eventKey: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await insertPermit(trx, { ...input.permit, applicantIdNumber: unsealFromWorkflow(input.permit.applicantIdNumber) }, input.at);
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: DEMO_PERMIT_SUBJECT,
          subjectId: input.permit.permitId,
          stage: 'submitted',
          orgCode: null,
          ...SYSTEM_ACTOR,
          event: 'submitted',
          at: input.at,
        });
      });
    },
    async setDemoPermitStatus(input: { permitId: string; status: string; stage: string; at: string; closed: boolean }): Promise<void> {
      await setPermitStatus(db, input.permitId, input.status, input.stage, input.closed ? input.at : null);
    },
  };
}

export type DemoPermitActivities = ReturnType<typeof createDemoPermitActivities>;
