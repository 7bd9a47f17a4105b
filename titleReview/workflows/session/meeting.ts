/**
 * The session's handlers at the meeting: attendance (≥ 17 members of the drawn committee), interview defences
 * (professor level), and the chair or a vice-chair closing the secret ballot (seed 004 四(三)7, 四(四)); under the
 * ballot threshold option the close waits until two of the chair and vice-chairs have presented their key shares.
 * Workflow code: keep it deterministic.
 */
import { patched } from '@temporalio/workflow';
import { closeBallotUpdate, presentBallotShareUpdate, recordAttendanceUpdate, recordInterviewUpdate, TitleRejection } from '../messages';
import { SHARE_THRESHOLD, shareHolders } from '../../ballotShareHolders';
import { termsOf } from '../stageTerms';
import { startOfShanghaiDay } from '../../../platform/calendar/workdays';
import { zj, type SessionContext } from './context';
import { fail, nowIso } from './state';

export function setMeetingHandlers(ctx: SessionContext): void {
  const { input, s, apps, setSerialisedHandler, tasks, status, view, project, setApp, openBallotIfReady } = ctx;

  setSerialisedHandler(
    recordAttendanceUpdate,
    async ({ actor, present }) => {
      const ids = [...new Set(present)];
      await zj.zjRecordAttendance({ sessionId: input.sessionId, present: ids, by: actor.username, at: nowIso(), eventKey: tasks.eventKey('attendance') });
      s.present = ids;
      s.phase = 'meeting';
      await openBallotIfReady();
      await project();
      return view();
    },
    ({ present }) => {
      if (s.phase !== 'ready' || s.issue) {
        fail(
          TitleRejection.SESSION_STATE,
          s.phase === 'pre_review' || s.issue
            ? `no meeting without the approved plan and the end of the pre-review publicity (${status()})`
            : `attendance is recorded once, at the meeting (${status()})`,
        );
      }
      if (!s.committee) fail(TitleRejection.SESSION_STATE, 'the committee has not been drawn');
      if (Date.now() < startOfShanghaiDay(s.meetingDate).getTime()) fail(TitleRejection.SESSION_STATE, `the meeting is on ${s.meetingDate}`);
      const members = new Set<string>(s.committee.map((m) => m.expertId));
      const ids = [...new Set<string>(present)];
      const strangers = ids.filter((id) => !members.has(id));
      if (strangers.length) fail(TitleRejection.VALIDATION_FAILED, `not members of this committee: ${strangers.join(', ')}`);
      const quorum = termsOf(s.meetingTerms).minCommittee;
      if (ids.length < quorum) fail(TitleRejection.QUORUM_NOT_MET, `${ids.length} members present; at least ${quorum} are required`);
    },
  );

  setSerialisedHandler(
    recordInterviewUpdate,
    async ({ actor, applicationId, summary }) => {
      const a = apps.get(applicationId)!;
      await zj.zjRecordInterview({ applicationId, summary, by: actor.username, at: nowIso(), eventKey: tasks.eventKey(`${applicationId}/interview`) });
      a.interviewed = true;
      if (s.phase === 'interviews') await openBallotIfReady();
      await project(s.ballotOpen ? 'ballot_opened' : undefined);
      return view();
    },
    ({ applicationId, summary }) => {
      if (input.level !== 'professor') fail(TitleRejection.SESSION_STATE, 'interview defences are part of the professor-level review only');
      if (!['ready', 'meeting', 'interviews'].includes(s.phase))
        fail(TitleRejection.SESSION_STATE, `interviews are recorded at the meeting, before the ballot (${status()})`);
      const a = apps.get(applicationId);
      if (!a || a.out) fail(TitleRejection.VALIDATION_FAILED, 'no such applicant in this session');
      if (!summary?.trim()) fail(TitleRejection.VALIDATION_FAILED, 'the interview record needs a summary');
    },
  );

  setSerialisedHandler(
    closeBallotUpdate,
    async ({ actor }) => {
      const items = [...apps.values()].filter((a) => a.out !== 'disqualified');
      const attending = s.present!.length;
      const counted = await zj.zjCloseBallot({
        sessionId: input.sessionId,
        applicationIds: items.map((a) => a.id),
        attending,
        minCommittee: termsOf(s.meetingTerms).minCommittee,
        closedBy: actor.username,
        at: nowIso(),
        eventKey: tasks.eventKey('ballot_close'),
      });
      s.ballotOpen = false;
      const results = counted.filter((r) => !apps.get(r.applicationId)!.out);
      for (const r of results) {
        const a = apps.get(r.applicationId)!;
        a.passed = r.passed;
        if (!r.passed) a.out = 'failed';
        await setApp(a, r.passed ? 'passed' : 'failed', 'meeting', {
          close: r.passed ? undefined : `未获得出席委员三分之二以上赞成票（赞成 ${r.yes}/出席 ${r.attending}）`,
          result: r,
        });
      }
      s.results = results;
      s.phase = 'results_publicity';
      await project('results_announced', `${actor.displayName} 宣布投票结果`, { passed: results.filter((r) => r.passed).length });
      return { results };
    },
    ({ expertId }) => {
      if (!s.ballotOpen || s.results) fail(TitleRejection.BALLOT_CLOSED, s.results ? 'the ballot is already closed' : 'the ballot is not open');
      const m = s.committee!.find((x) => x.expertId === expertId);
      if (!m || (m.role !== 'chair' && m.role !== 'vice_chair') || !s.present!.includes(expertId)) {
        fail(TitleRejection.NOT_PRESIDING, 'only the chair or a vice-chair attending the meeting closes the ballot');
      }
      if (input.ballotThreshold && s.sharesPresented.length < SHARE_THRESHOLD) {
        fail(
          TitleRejection.BALLOT_SHARES_NEEDED,
          `the count waits for ${SHARE_THRESHOLD} key shares of the chair and vice-chairs; ${s.sharesPresented.length} presented`,
        );
      }
    },
  );

  // a threshold ballot: a holder presented their key share (the API checked it against its hash and keeps it)
  setSerialisedHandler(
    presentBallotShareUpdate,
    async ({ actor, x }) => {
      if (!s.sharesPresented.includes(x)) s.sharesPresented.push(x);
      if (patched('ballot-key-shares')) {
        await project('ballot_share_presented', `${actor.displayName} 出示计票密钥份额（${s.sharesPresented.length}/${SHARE_THRESHOLD}）`, {
          sharesPresented: s.sharesPresented.length,
        });
      }
      return { sharesPresented: s.sharesPresented.length, needed: SHARE_THRESHOLD };
    },
    ({ expertId, x }) => {
      if (!input.ballotThreshold) fail(TitleRejection.SESSION_STATE, 'this session keeps its ballot key without shares (no threshold option)');
      if (!s.ballotOpen || s.results) fail(TitleRejection.BALLOT_CLOSED, s.results ? 'the ballot is already closed' : 'the ballot is not open');
      const holder = shareHolders(s.committee ?? []).find((h) => h.expertId === expertId);
      if (!holder || holder.x !== x) fail(TitleRejection.NOT_SHARE_HOLDER, 'only the chair and the two vice-chairs hold key shares of this ballot');
      if (!s.present!.includes(expertId)) fail(TitleRejection.NOT_SHARE_HOLDER, 'a key share is presented at the meeting, by a holder recorded as attending');
    },
  );
}
