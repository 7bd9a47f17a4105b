/** What the Nanxun claims tell a person through the kernel's outbox (platform/notifications/outbox.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { notify } from '../platform/notifications/outbox';

type Db = Kysely<Database> | Transaction<Database>;

/** Money paid: the claim's applicant hears of it. */
export async function notifyPaid(db: Db, p: { claimId: string; instalmentNo: number; amountYuan: number; eventKey: string; at: string }): Promise<number> {
  const claim = await db.selectFrom('claim').select(['applicant_user_id', 'application_no']).where('id', '=', p.claimId).executeTakeFirst();
  if (!claim?.applicant_user_id) return 0;
  return notify(
    db,
    { userIds: [claim.applicant_user_id] },
    {
      eventKey: p.eventKey,
      kind: 'paid',
      title: `奖励金已发放：${p.amountYuan} 元`,
      body: `您的申请 ${claim.application_no} 第 ${p.instalmentNo} 期奖励金 ${p.amountYuan} 元已发放。`,
      subject: { type: 'nanxun_claim', id: p.claimId, ref: claim.application_no },
      at: p.at,
    },
  );
}
