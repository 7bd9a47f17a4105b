/**
 * One-time passwords go to the person, never back to the operator (issue 19, finding 5): a new account's, a reset's
 * or an expert login's password is written to the person's notification outbox in the same transaction as the
 * password hash — its body sealed under a `pii` key, never in clear at rest, and erased once the password is changed —
 * and the SMS dispatcher sends it to their mobile number. The operator's answer names only the
 * channel and the masked number. An account without a mobile number cannot be given one (422).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { notify } from '../notifications/outbox';
import { maskPhone } from '../notifications/sms';

/** 16 random characters (96 bits): sent once, to be changed at first login. */
export function oneTimePassword(): string {
  return randomBytes(12).toString('base64url');
}

export interface Delivery {
  channel: 'sms';
  to: string;
}

export function assertDeliverable(phone: string | null | undefined, who: string): asserts phone is string {
  if (!phone) {
    throw new Problem('VALIDATION_FAILED', `${who} has no mobile number to send the one-time password to; set one first (it is never shown to the operator)`, {
      field: 'phone',
    });
  }
}

/** Queues the password for the person (inside the caller's transaction); answers what the operator may see. */
export async function deliverOneTimePassword(
  trx: Transaction<Database> | Kysely<Database>,
  user: { id: number; phone: string | null },
  otp: string,
  why: 'account_created' | 'password_reset' | 'expert_login',
): Promise<Delivery> {
  assertDeliverable(user.phone, 'the account');
  const reason = { account_created: '您的账号已开通', password_reset: '您的密码已重置', expert_login: '您的评审专家账号已开通' }[why];
  const n = await notify(
    trx,
    { userIds: [user.id] },
    {
      eventKey: `otp:${why}:${randomUUID()}`,
      kind: 'one_time_password',
      title: '一次性密码',
      body: `${reason}，一次性密码：${otp}。请登录后立即修改；工作人员不会向您索要此密码。`,
      subject: null,
      at: new Date().toISOString(),
      secret: true, // the outbox keeps the password only sealed (notifications/sealedBody.ts)
    },
  );
  if (n !== 1) throw new Error('the one-time password could not be queued');
  return { channel: 'sms', to: maskPhone(user.phone) };
}
