/**
 * A publicity period (公示) inside a workflow: the notice is published (activity → `notice` table, its end the end
 * of the N-th working day from the calendar table), objections arrive as `fileObjection` Updates and each opens an
 * `objection_investigation` task through HumanTasks, running concurrently. run() returns when the period has ended
 * and every investigation is decided (or when `stop()` says the subject ended another way).
 */
import { ApplicationFailure, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { DB_ACTIVITY } from '../workflows/activityOptions';
import type { NoticeActivities } from './activities';
import type { HumanTasks, StageOutcome } from '../tasks/humanTask';
import { fileObjectionUpdate, PublicityRejection, type ObjectionInput } from './messages';
import { checkInvestigation } from './rules';

const acts = proxyActivities<NoticeActivities>(DB_ACTIVITY);

type Subject = { type: string; id: string; ref: string; personId: string | null };

export interface PublicityOptions {
  key: string;
  kind: string;
  title: string;
  stage: string;
  subject: Subject;
  orgCode: string | null;
  workingDays: number;
  /** the 依据 of the working days (the policy edition's parameter and clause), recorded with the notice */
  policy?: Record<string, unknown>;
  entries: Record<string, unknown>[];
  /** the publicised applicants (entry id → task subject), so an objection can name one */
  entrySubjects: Map<string, Subject>;
  investigator: { role: string; orgCode: string };
  /** called for an upheld objection, with the applicant it concerns (named by the objector or the investigator) */
  onUpheld(applicationId: string | null, outcome: StageOutcome): Promise<void>;
  stop?: () => boolean;
}

interface Running {
  endsAt: number;
  closed: boolean;
  queue: ObjectionInput[];
  seen: Set<string>;
  entryIds: string[];
}

const nowIso = () => new Date(Date.now()).toISOString();

function reject(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export class Publicity {
  private readonly running = new Map<string, Running>();

  constructor(private readonly tasks: HumanTasks) {
    setHandler(
      fileObjectionUpdate,
      async (o) => {
        const r = this.running.get(o.noticeId)!;
        if (!r.seen.has(o.objectionId)) {
          r.seen.add(o.objectionId);
          r.queue.push(o);
        }
        return { taskId: `${workflowInfo().workflowId}/objection/${o.objectionId}` };
      },
      {
        validator: (o) => {
          const r = this.running.get(o.noticeId);
          if (!r || r.closed || Date.now() >= r.endsAt)
            reject(PublicityRejection.NOTICE_CLOSED, 'the publicity period has ended; objections are no longer accepted');
          if (o.applicationId && !r.entryIds.includes(o.applicationId))
            reject(PublicityRejection.VALIDATION_FAILED, 'applicationId is not an entry of this notice');
        },
      },
    );
  }

  async run(opts: PublicityOptions): Promise<{ noticeId: string; upheld: number; dismissed: number; endsOn: string }> {
    const { workflowId } = workflowInfo();
    const noticeId = `${workflowId}--${opts.key}`;
    const opened = await acts.openNotice({
      notice: {
        noticeId,
        kind: opts.kind,
        title: opts.title,
        subjectType: opts.subject.type,
        subjectId: opts.subject.id,
        workflowId,
        orgCode: opts.orgCode,
        entries: opts.entries,
        workingDays: opts.workingDays,
        ...(opts.policy ? { policy: opts.policy } : {}),
      },
      at: nowIso(),
      eventKey: this.tasks.eventKey(`${opts.key}/open`),
      stage: opts.stage,
    });
    const r: Running = { endsAt: Date.parse(opened.endsAt), closed: false, queue: [], seen: new Set(), entryIds: [...opts.entrySubjects.keys()] };
    this.running.set(noticeId, r);
    let inFlight = 0;
    let finished = 0;
    let upheld = 0;
    let dismissed = 0;
    const stop = () => opts.stop?.() ?? false;

    const investigate = (o: ObjectionInput) => {
      const subject = (o.applicationId && opts.entrySubjects.get(o.applicationId)) || opts.subject;
      const key = `objection/${o.objectionId}`;
      inFlight++;
      void (async () => {
        await acts.setObjectionStatus({ objectionId: o.objectionId, status: 'open', taskId: `${workflowId}/${key}`, at: nowIso() });
        const outcome = await this.tasks.run({
          key,
          kind: 'objection_investigation',
          role: opts.investigator.role,
          orgCode: opts.investigator.orgCode,
          stage: opts.stage,
          slaWorkingDays: null,
          subject,
          allowSupplement: false,
          check: (d, f) => checkInvestigation(d, f, { entryIds: r.entryIds, objectionEntryId: o.applicationId }),
        });
        if (outcome.decision === 'approve') {
          upheld++;
          await acts.setObjectionStatus({ objectionId: o.objectionId, status: 'upheld', finding: outcome.comment, at: outcome.decidedAt });
          const named =
            o.applicationId ??
            (typeof outcome.fields.applicationId === 'string' ? outcome.fields.applicationId : null) ??
            (r.entryIds.length === 1 ? r.entryIds[0]! : null);
          await opts.onUpheld(named, outcome);
        } else {
          if (outcome.decision === 'reject') dismissed++;
          await acts.setObjectionStatus({
            objectionId: o.objectionId,
            status: outcome.decision === 'reject' ? 'dismissed' : 'cancelled',
            finding: outcome.comment,
            at: outcome.decidedAt,
          });
        }
        inFlight--;
        finished++;
      })();
    };

    for (;;) {
      while (r.queue.length) investigate(r.queue.shift()!);
      if (!r.closed && (Date.now() >= r.endsAt || stop())) {
        r.closed = true;
        await acts.closeNotice({ noticeId, at: nowIso(), eventKey: this.tasks.eventKey(`${opts.key}/close`), stage: opts.stage, upheld, dismissed });
      }
      if (r.closed && inFlight === 0 && r.queue.length === 0) break;
      const seen = finished;
      const wake = () => r.queue.length > 0 || finished !== seen || (!r.closed && stop());
      await this.tasks.waitFor(wake, r.closed ? undefined : Math.max(1, r.endsAt - Date.now()));
    }
    this.running.delete(noticeId);
    return { noticeId, upheld, dismissed, endsOn: opened.endsOn };
  }
}
