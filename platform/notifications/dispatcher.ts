/**
 * Feeds the SMS sender from the notification outbox: pending messages are taken in creation order, a batch at a time,
 * locked with SKIP LOCKED (several worker processes share the work), sent, and marked sent in the same transaction.
 * At least once: a crash after sending and before the commit leaves the rows pending and they are sent again (the
 * sender receives the same idempotency key). Marking is idempotent (only a pending row becomes sent). A failed send
 * stays pending with its error and attempt count, and is retried on a later pass, after the others.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';
import type { SmsSender } from './sms';
import { markSmsFailed, markSmsNone, markSmsSent } from './outboxRepository';
import { SEALED_BODY_COLUMNS, smsText } from './sealedBody';

export const SMS_MAX_ATTEMPTS = 10;

export async function dispatchSmsOnce(
  db: Kysely<Database>,
  sender: SmsSender,
  opts: { batchSize?: number; now?: () => Date } = {},
): Promise<{ sent: number; failed: number }> {
  const now = opts.now ?? (() => new Date());
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('notification')
      .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
      .select(['notification.id', 'notification.title', ...SEALED_BODY_COLUMNS, 'app_user.phone'])
      .where('notification.sms_state', '=', 'pending')
      .where('notification.sms_attempts', '<', SMS_MAX_ATTEMPTS)
      .orderBy('notification.sms_attempts')
      .orderBy('notification.created_at')
      .orderBy('notification.id')
      .limit(opts.batchSize ?? 100)
      .forUpdate('notification')
      .skipLocked()
      .execute();
    let sent = 0;
    let failed = 0;
    for (const r of rows) {
      if (!r.phone) {
        await markSmsNone(trx, r.id);
        continue;
      }
      try {
        await sender.send({ to: r.phone, text: smsText(r), idempotencyKey: r.id });
        await markSmsSent(trx, r.id, now());
        sent++;
      } catch (err) {
        failed++;
        await markSmsFailed(trx, r.id, String(err instanceof Error ? err.message : err).slice(0, 500));
      }
    }
    return { sent, failed };
  });
}

/** Runs the dispatcher every `intervalMs` (and at once when a pass found a full batch) until stopped. */
export function startSmsDispatcher(
  db: Kysely<Database>,
  sender: SmsSender,
  log: Pick<Logger, 'warn' | 'info'>,
  opts: { intervalMs?: number; batchSize?: number } = {},
): { stop(): Promise<void> } {
  const interval = opts.intervalMs ?? 5_000;
  const batchSize = opts.batchSize ?? 100;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    if (stopped) return;
    let again = false;
    try {
      const r = await dispatchSmsOnce(db, sender, { batchSize });
      again = r.sent + r.failed >= batchSize;
    } catch (err) {
      log.warn({ err: String(err) }, 'sms dispatcher pass failed');
    }
    if (!stopped) timer = setTimeout(() => (running = pass()), again ? 0 : interval);
  };
  timer = setTimeout(() => (running = pass()), 0);
  log.info({ sender: sender.name, intervalMs: interval }, 'sms dispatcher started');
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
