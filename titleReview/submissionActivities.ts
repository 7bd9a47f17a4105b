/**
 * The first step of the session and application workflows: the session the office opened, or the application as
 * submitted, becomes its row (so no row exists without its workflow, and no workflow without its row).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { DuplicateApplicationError, recordSubmittedApplication, type SubmittedApplication } from './repositories/applications';
import { recordOpenedSession, type OpenedSession } from './repositories/sessions';
import { unsealFromWorkflow } from '../platform/identity/personRef';

export function createTitleSubmissionActivities(db: Kysely<Database>) {
  return {
    async zjRecordSession(session: OpenedSession): Promise<void> {
      await recordOpenedSession(db, session);
    },
    async zjRecordApplication(application: SubmittedApplication): Promise<{ recorded: true } | { duplicate: string }> {
      try {
        await recordSubmittedApplication(db, {
          ...application,
          applicantIdNumber: unsealFromWorkflow(application.applicantIdNumber),
          applicantPhone: unsealFromWorkflow(application.applicantPhone),
        });
        return { recorded: true };
      } catch (err) {
        if (err instanceof DuplicateApplicationError) return { duplicate: err.message };
        throw err;
      }
    },
  };
}

export type TitleSubmissionActivities = ReturnType<typeof createTitleSubmissionActivities>;
