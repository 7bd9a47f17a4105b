/**
 * The bureau's yearly concentrated application period for certificate rewards (seed 001, 三、(一)):
 * "证书奖励金集中申请时间为证书领取后的6个月内，具体时间以区应急管理局每年发布的公告为准".
 *
 * The rule (nanxun/rules.ts certificateIneligibility): when the bureau has published the period for the year a claim is
 * submitted in, the claim must be submitted within it (OUTSIDE_APPLICATION_PERIOD), and the certificate must have been
 * received within the 6 months before the period's last day (receivedOn + 6 months ≥ endsOn, else WINDOW_EXPIRED):
 * the year's notice gathers the certificates received in the six months it closes. In a year with no published
 * period the plain rule applies: submitted within 6 months of receipt.
 *
 * Publishing writes a new version of the year's period (nanxun_application_period_version, append-only; the current
 * row is its projection, migration 0047), an audit entry (application_period.published / .corrected, with what
 * changed) and the public notice (GET /api/v1/public/notices, kind application_period) in one transaction;
 * publishing the same year again is a correction: a new version, the notice updated (it keeps its id), the earlier
 * versions kept (GET /api/v1/nanxun/application-periods/:year/versions).
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../platform/admin/audit';
import type { Database } from '../db/schema';
import { BUREAU_ORG_CODE } from './rules';
import type { NanxunTerms } from './policy/terms';
import { addMonths, endOfShanghaiDay } from '../platform/calendar/workdays';
import { upsertNotice } from '../platform/publicity/noticeRepository';
import { insertApplicationPeriodVersion, lockPeriodYear } from './repositories/applicationPeriods';

export interface ApplicationPeriod {
  year: number;
  version: number;
  startsOn: string;
  endsOn: string;
  noticeId: string;
  publishedBy: string;
  publishedAt: string;
}

const SEED_QUOTE = '证书奖励金集中申请时间为证书领取后的6个月内，具体时间以区应急管理局每年发布的公告为准';

export const periodNoticeId = (year: number) => `nanxun-application-period-${year}`;

/** The certificates a period accepts: received on or after this day (the edition's window, 6 months, before its last day). */
export const periodReceivedFrom = (endsOn: string, terms: Pick<NanxunTerms, 'certificateWindowMonths'>) => addMonths(endsOn, -terms.certificateWindowMonths);

function toView(r: {
  year: number;
  version: number;
  starts_on: string | Date;
  ends_on: string | Date;
  notice_id: string;
  published_by: string;
  published_at: Date | string;
}): ApplicationPeriod {
  const d = (v: string | Date) => (typeof v === 'string' ? v : v.toISOString().slice(0, 10));
  return {
    year: r.year,
    version: r.version,
    startsOn: d(r.starts_on),
    endsOn: d(r.ends_on),
    noticeId: r.notice_id,
    publishedBy: r.published_by,
    publishedAt: new Date(r.published_at).toISOString(),
  };
}

export async function periodForYear(db: Kysely<Database>, year: number): Promise<ApplicationPeriod | null> {
  const r = await db.selectFrom('nanxun_application_period').selectAll().where('year', '=', year).executeTakeFirst();
  return r ? toView(r) : null;
}

export async function listPeriods(db: Kysely<Database>): Promise<ApplicationPeriod[]> {
  return (await db.selectFrom('nanxun_application_period').selectAll().orderBy('year', 'desc').execute()).map(toView);
}

/** Every version of a year's period, oldest first. */
export async function periodVersions(db: Kysely<Database>, year: number): Promise<ApplicationPeriod[]> {
  const rows = await db.selectFrom('nanxun_application_period_version').selectAll().where('year', '=', year).orderBy('version').execute();
  return rows.map((r) => toView({ ...r, notice_id: periodNoticeId(r.year) }));
}

export async function publishPeriod(
  db: Kysely<Database>,
  input: { year: number; startsOn: string; endsOn: string; by: { userId: number; username: string }; at: Date; clientIp?: string | null },
  terms: Pick<NanxunTerms, 'certificateWindowMonths'>,
): Promise<ApplicationPeriod> {
  const noticeId = periodNoticeId(input.year);
  const receivedFrom = periodReceivedFrom(input.endsOn, terms);
  const entry = {
    year: input.year,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    receivedFrom,
    rule: `${input.year}年度证书奖励金集中申请时间为 ${input.startsOn} 至 ${input.endsOn}；${receivedFrom} 及以后领取证书的，可在此期间申请。`,
    basis: SEED_QUOTE,
  };
  await db.transaction().execute(async (trx) => {
    // one publication of a year at a time: each gets the next version number
    await lockPeriodYear(trx, input.year);
    const prev = await trx.selectFrom('nanxun_application_period').selectAll().where('year', '=', input.year).executeTakeFirst();
    const version = (prev?.version ?? 0) + 1;
    await insertApplicationPeriodVersion(trx, {
      year: input.year,
      version,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      publishedBy: input.by.username,
      publishedAt: input.at,
    });
    const was = prev ? toView(prev) : null;
    await recordAudit(trx, {
      actor: input.by,
      action: prev ? 'application_period.corrected' : 'application_period.published',
      targetType: 'nanxun_application_period',
      targetId: String(input.year),
      clientIp: input.clientIp ?? null,
      details: {
        version,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        ...(was ? { was: { version: was.version, startsOn: was.startsOn, endsOn: was.endsOn } } : {}),
      },
    });
    await upsertNotice(trx, noticeId, {
      kind: 'application_period',
      title: `南浔区${input.year}年度安全工程师证书奖励金集中申请公告`,
      subject_type: 'nanxun_application_period',
      subject_id: String(input.year),
      workflow_id: null,
      org_code: BUREAU_ORG_CODE,
      starts_at: input.at,
      ends_at: endOfShanghaiDay(input.endsOn),
      ends_on: input.endsOn,
      working_days: 0,
      entries: JSON.stringify([entry]),
    });
  });
  return (await periodForYear(db, input.year))!;
}
