import pino, { type Logger } from 'pino';
import fs from 'node:fs';
import path from 'node:path';

/** Structured JSON logs; `file` sends them to a file (npm start keeps the console for the banner). */
export function createLogger(opts: { level: string; file?: string; name: string }): Logger {
  const redact = { paths: ['password', '*.password', 'token', '*.token', 'idNumber', '*.idNumber', 'req.headers.authorization'], censor: '[redacted]' };
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    return pino({ level: opts.level, name: opts.name, redact }, pino.destination({ dest: opts.file, mkdir: true, sync: false }));
  }
  return pino({ level: opts.level, name: opts.name, redact });
}
