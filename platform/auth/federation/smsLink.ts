/**
 * Proving a self-registered account by an SMS code instead of its password (issue 21, item 2): after a 浙里办 sign-in
 * whose ID number has a self-registered account, the person asks for a code; it goes to the mobile number stored on
 * that account (never the one the provider reports) through the notification outbox, so only whoever holds the
 * account's phone can link it (the message body sealed at rest, as a one-time password's). The code is 6 digits, stored only as its HMAC-SM3 (the blind-index key under its own
 * label, bound to the ticket and the account), lives 5 minutes, is used once, and dies after 5 wrong attempts; a
 * ticket gets at most 5 codes, one a minute.
 */
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { hmacSm3 } from '../../crypto/sm4';
import { keyring } from '../../crypto/keys';
import { Problem } from '../../http/problem';
import { maskPhone } from '../../notifications/sms';
import { notify } from '../../notifications/outbox';
import type { User } from '../../../db/schema';
import { findUserByUsername } from '../repository';
import * as repo from './repository';
import type { FederationContext } from './signIn';

export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
export const SMS_CODES_PER_TICKET = 5;
export const SMS_CODE_RESEND_MS = 60_000;

const LABEL = 'link-sms-code:v1:';

function macWith(key: { id: string; key: Buffer }, ticket: string, userId: number, code: string): string {
  return `${key.id}.${hmacSm3(key.key, LABEL, repo.digest(ticket), ':', String(userId), ':', code).toString('hex')}`;
}

function matches(stored: string, ticket: string, userId: number, code: string): boolean {
  const keyId = stored.slice(0, stored.indexOf('.'));
  let key: Buffer;
  try {
    key = keyring().get('blind', keyId);
  } catch {
    return false;
  }
  const a = Buffer.from(macWith({ id: keyId, key }, ticket, userId, code));
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** the link ticket's account named by username, if it is a self-registered account under the ticket's ID number */
async function claimedAccount(ctx: FederationContext, t: { id_number: string }, username: string, providerName: string): Promise<User> {
  const u = await findUserByUsername(ctx.db, username);
  if (!u || u.id_number !== t.id_number || u.identity_status === 'rejected' || !repo.hasPassword(u))
    throw new Problem('NOT_A_CLAIMANT', `no self-registered account ${username} is registered under the ID number ${providerName} vouched for`, {
      field: 'username',
    });
  return u;
}

/** Sends a code to the account's mobile (through the outbox); answers where it went, masked. */
export async function sendLinkSmsCode(
  ctx: FederationContext,
  body: { ticket: string; username: string },
  providerName: (id: string) => string,
): Promise<{ channel: 'sms'; to: string; expiresInSeconds: number }> {
  const t = await repo.findLinkTicket(ctx.db, body.ticket);
  if (!t) throw new Problem('SIGN_IN_EXPIRED', 'the link request is unknown, expired or already used; sign in again');
  const u = await claimedAccount(ctx, t, body.username, providerName(t.provider));
  if (!u.phone)
    throw new Problem('VALIDATION_FAILED', 'this account has no mobile number to send a code to: prove it with its password instead', { field: 'username' });
  const phone = u.phone;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockLinkTicket(trx, body.ticket);
    const sent = await repo.linkSmsCodesOf(trx, body.ticket);
    if (sent.length >= SMS_CODES_PER_TICKET)
      throw new Problem('RATE_LIMITED', `at most ${SMS_CODES_PER_TICKET} codes per sign-in: sign in with 浙里办 again`, { retryAfterSeconds: null });
    const last = sent[0]?.created_at as Date | undefined;
    if (last && Date.now() - last.getTime() < SMS_CODE_RESEND_MS) {
      const wait = Math.ceil((SMS_CODE_RESEND_MS - (Date.now() - last.getTime())) / 1000);
      throw new Problem('RATE_LIMITED', `a code was sent less than a minute ago; ask again in ${wait} s`, { retryAfterSeconds: wait });
    }
    await repo.insertLinkSmsCode(trx, {
      ticket: body.ticket,
      userId: u.id,
      codeMac: macWith(keyring().current('blind'), body.ticket, u.id, code),
      ttlMs: SMS_CODE_TTL_MS,
    });
    const n = await notify(
      trx,
      { userIds: [u.id] },
      {
        eventKey: `link-sms-code:${randomUUID()}`,
        kind: 'verification_code',
        title: '验证码',
        body: `您正在将账号 ${u.username} 关联到${providerName(t.provider)}，验证码：${code}，${SMS_CODE_TTL_MS / 60_000} 分钟内有效。如非本人操作请忽略；工作人员不会向您索要验证码。`,
        subject: null,
        at: new Date().toISOString(),
        secret: true, // the outbox keeps the code only sealed (notifications/sealedBody.ts)
      },
    );
    if (n !== 1) throw new Error('the SMS code could not be queued');
  });
  return { channel: 'sms', to: maskPhone(phone), expiresInSeconds: SMS_CODE_TTL_MS / 1000 };
}

/**
 * Checks an SMS code for the ticket's account (one attempt counted, whatever the outcome); answers the account and
 * the code's id, which the caller marks used in the transaction that links.
 */
export async function checkLinkSmsCode(
  ctx: FederationContext,
  t: { id_number: string; provider: string },
  body: { ticket: string; username: string; smsCode: string },
  providerName: string,
): Promise<{ user: User; codeId: string }> {
  const u = await claimedAccount(ctx, t, body.username, providerName);
  const row = await repo.attemptLinkSmsCode(ctx.db, body.ticket, u.id);
  if (!row)
    throw new Problem('SMS_CODE_INVALID', 'no code is waiting for this account: it expired, was used, or was never sent; ask for a new one', {
      field: 'smsCode',
    });
  if (row.attempts > SMS_CODE_MAX_ATTEMPTS || !matches(row.code_mac, body.ticket, u.id, body.smsCode)) {
    const left = Math.max(0, SMS_CODE_MAX_ATTEMPTS - row.attempts);
    if (left === 0) await repo.spendLinkSmsCode(ctx.db, row.id);
    throw new Problem(
      'SMS_CODE_INVALID',
      left ? `the code is wrong (${left} attempts left)` : 'the code is wrong, and no attempts are left: ask for a new one',
      {
        field: 'smsCode',
        attemptsLeft: left,
      },
    );
  }
  return { user: u, codeId: row.id };
}
