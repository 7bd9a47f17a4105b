/**
 * The SMS provider interface. A provider is one object with `send`; the dispatcher calls it at least once per message
 * (a crash between sending and marking sends again), passing a stable `idempotencyKey` (the notification id) that a
 * provider with an idempotency feature should forward (e.g. as the request's out-id), so a retry is not a second text.
 * `send` resolves when the provider accepted the message and throws when it did not (the dispatcher retries later).
 *
 * SMS_PROVIDER selects it: `log` (default) writes each message to the structured log and sends nothing; `none`
 * disables SMS. A real provider (阿里云短信, 腾讯云短信, …) is added by implementing SmsSender and registering it in
 * smsSenderFromEnv; its credentials come from its own environment variables.
 */
import type { Logger } from 'pino';

export interface SmsMessage {
  /** the recipient's mobile number */
  to: string;
  text: string;
  /** stable across retries of the same message */
  idempotencyKey: string;
}

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** The default: logs what it would send (the number masked), sends nothing. */
export class LoggingSmsSender implements SmsSender {
  readonly name = 'log';
  constructor(private readonly log: Pick<Logger, 'info'>) {}
  async send(m: SmsMessage): Promise<void> {
    this.log.info({ sms: { to: maskPhone(m.to), idempotencyKey: m.idempotencyKey, chars: m.text.length } }, 'sms (logging sender)');
  }
}

export function maskPhone(phone: string): string {
  return phone.length <= 7 ? '***' : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function smsSenderFromEnv(log: Pick<Logger, 'info'>, value = process.env.SMS_PROVIDER ?? 'log'): SmsSender | null {
  switch (value) {
    case 'log':
      return new LoggingSmsSender(log);
    case 'none':
      return null;
    default:
      throw new Error(`SMS_PROVIDER must be 'log' or 'none' (or a provider registered in platform/notifications/sms.ts), got ${value}`);
  }
}
