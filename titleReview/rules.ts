/**
 * Pure rules of the Zhejiang senior-title review (seed 004 三(三), 四; DOMAIN.md §2).
 * No I/O: used by the API for clear refusals and by workflows (deterministically).
 */
import { checkInvestigation } from '../platform/publicity/rules';
import { addDays, workingDaysBetween, type CalendarData } from '../platform/calendar/workdays';

import type { TitleTerms } from './policy/terms';
export const TITLE_LEVELS = ['senior', 'professor'] as const;
export type TitleLevel = (typeof TITLE_LEVELS)[number];
export const TITLE_LEVEL_ZH: Record<TitleLevel, string> = { senior: '高级工程师', professor: '正高级工程师' };

/** 评审专业类别 */
export const TITLE_CATEGORIES = ['safety_science', 'technical_service', 'production_management'] as const;
export type TitleCategory = (typeof TITLE_CATEGORIES)[number];
export const TITLE_CATEGORY_ZH: Record<TitleCategory, string> = {
  safety_science: '安全科学应用',
  technical_service: '安全技术服务',
  production_management: '安全生产管理',
};

/** standard = 常规申报; landmark = 标志性业绩直接提交 (green channel); scored = 量化赋分达标 (senior only) */
export const TITLE_CHANNELS = ['standard', 'landmark', 'scored'] as const;
export type TitleChannel = (typeof TITLE_CHANNELS)[number];

/** an expert's own title: 高级 (副高) or 正高级 */
export const EXPERT_TITLES = ['senior', 'professor'] as const;
export type ExpertTitle = (typeof EXPERT_TITLES)[number];

/*
 * The pool (≥ 50), committee (≥ 17) and subgroup (≥ 3) sizes, the publicity (5 working days) and the HRSS lead time
 * (10 working days) are the edition's procedural terms (titleReview/policy): the rules below take them as an argument,
 * from the edition in force when the stage opened (程序从新), as the workflows recorded it.
 */

export const COMMITTEE_OFFICE_ORG = 'ZJ-YJT-RSC';
export const HRSS_ORG = 'ZJ-RST';

/** 高级工程师专家库: 高级职称5年以上; 正高级工程师专家库: 正高级职称3年以上 */
export function expertEligibility(
  pool: TitleLevel,
  expert: { title: ExpertTitle; titleSince: string },
  onDate: string,
): { eligible: boolean; reason?: string } {
  if (pool === 'professor' && expert.title !== 'professor') return { eligible: false, reason: 'TITLE_TOO_LOW' };
  const years = pool === 'senior' ? 5 : 3;
  const y = Number(onDate.slice(0, 4)) - years;
  const threshold = `${String(y).padStart(4, '0')}${onDate.slice(4)}`;
  // held the title for `years` full years on onDate (a 29 February threshold compares fine as text)
  if (expert.titleSince > threshold) return { eligible: false, reason: pool === 'senior' ? 'SENIOR_TITLE_UNDER_5_YEARS' : 'PROFESSOR_TITLE_UNDER_3_YEARS' };
  return { eligible: true };
}

/** Channel rules: 量化赋分达标 is a senior-only route. */
export function channelAllowed(level: TitleLevel, channel: TitleChannel): boolean {
  return !(channel === 'scored' && level !== 'senior');
}

export interface BanRow {
  from_year: number;
  to_year: number;
}

/**
 * A misconduct decision in `decisionYear` cancels that year's review (当年申报无效, 取消当年评审资格) and bars
 * applications for the 3 years from the next year (从次年起3年内不得申报). The ban is recorded as what it refuses:
 * the decision year plus the three years (2027 → 2027–2030), so the record, the notice and the refusals agree
 * (rows recorded as the three years alone were moved by migration 0060).
 */
export function banYears(decisionYear: number, terms: Pick<TitleTerms, 'banYears'>): { fromYear: number; toYear: number } {
  return { fromYear: decisionYear, toYear: decisionYear + terms.banYears };
}

/** The ban that bars an application to a session of `sessionYear`, if any. */
export function activeBan<T extends BanRow>(bans: T[], sessionYear: number): T | undefined {
  return bans.find((b) => sessionYear >= b.from_year && sessionYear <= b.to_year);
}

/** 获得出席委员三分之二以上赞成票的方为通过: yes × 3 ≥ attending × 2 (the edition's fraction); abstentions are not yes. */
export function ballotPassed(yes: number, attending: number, terms: Pick<TitleTerms, 'passFraction'>, meeting: Pick<TitleTerms, 'minCommittee'>): boolean {
  // 出席会议专家不得少于17人 (the meeting's edition): below the quorum no ballot counts (the meeting refuses it before)
  const [n, d] = terms.passFraction;
  return attending >= meeting.minCommittee && yes * d >= attending * n;
}

export const VOTES = ['yes', 'no', 'abstain'] as const;
export type Vote = (typeof VOTES)[number];

export interface TallyRow {
  applicationId: string;
  yes: number;
  no: number;
  abstain: number;
  attending: number;
  passed: boolean;
}

/** Each application's result under its own terms (the edition in force when it was submitted). */
export function tally(
  applicationIds: string[],
  votes: { application_id: string; vote: string }[],
  attending: number,
  termsOf: (applicationId: string) => Pick<TitleTerms, 'passFraction'>,
  meeting: Pick<TitleTerms, 'minCommittee'>,
): TallyRow[] {
  return applicationIds.map((applicationId) => {
    const mine = votes.filter((v) => v.application_id === applicationId);
    const yes = mine.filter((v) => v.vote === 'yes').length;
    const no = mine.filter((v) => v.vote === 'no').length;
    const abstain = mine.filter((v) => v.vote === 'abstain').length;
    return { applicationId, yes, no, abstain, attending, passed: ballotPassed(yes, attending, termsOf(applicationId), meeting) };
  });
}

/**
 * The latest day the 省人力社保厅 approval may be given for a meeting on `meetingDate`: the meeting must fall on
 * or after the edition's `hrssLeadWorkingDays`-th (10) working day after the approval day (the approval day itself does
 * not count).
 */
export function latestApprovalDay(meetingDate: string, cal: CalendarData, terms: Pick<TitleTerms, 'hrssLeadWorkingDays'>): string {
  let d = addDays(meetingDate, -1);
  for (let i = 0; i < 400; i++, d = addDays(d, -1)) {
    if (workingDaysBetween(d, meetingDate, cal).count >= terms.hrssLeadWorkingDays) return d;
  }
  throw new RangeError(`no approval day found for ${meetingDate}`);
}

export function titleApplicationNo(level: TitleLevel, year: number, seq: number): string {
  return `ZJ-${level === 'senior' ? 'GJ' : 'ZG'}-${year}-${String(seq).padStart(6, '0')}`;
}
export const titleApplicationWorkflowId = (applicationNo: string) => `zj-application-${applicationNo}`;
export const titleSessionWorkflowId = (year: number, level: TitleLevel) => `zj-session-${year}-${level}`;
export const misconductWorkflowId = (applicationId: string) => `zj-misconduct-${applicationId}`;

export interface DecisionCheck {
  ok: boolean;
  message?: string;
}

/**
 * Kind-specific checks of a decision on a title-review task. Every kind takes approve / reject; a rejection
 * gives its reason. An objection investigation: approve = the objection is upheld (成立), reject = dismissed;
 * either needs the finding in the comment.
 */
/** The title tasks that may ask the applicant for supplementary materials (补正, the clock paused as on claims). */
export const TITLE_SUPPLEMENT_KINDS = ['competent_dept_review', 'qualification_review'];

export function checkTitleDecision(
  kind: string,
  decision: string,
  fields: Record<string, unknown>,
  ctx: { entryIds?: string[]; objectionEntryId?: string | null } = {},
): DecisionCheck {
  // the kernel's publicity checks its investigations (platform/publicity/rules.ts), the same first checks included
  if (kind === 'objection_investigation') return checkInvestigation(decision, fields, ctx);
  const comment = typeof fields.comment === 'string' ? fields.comment.trim() : '';
  if (decision === 'request_supplement' && TITLE_SUPPLEMENT_KINDS.includes(kind)) {
    return comment ? { ok: true } : { ok: false, message: 'a request for supplementary materials says which in the comment' };
  }
  if (decision !== 'approve' && decision !== 'reject') return { ok: false, message: 'decision must be approve or reject' };
  if (decision === 'reject' && !comment) return { ok: false, message: 'a rejection needs a comment giving the reason' };
  return { ok: true };
}
