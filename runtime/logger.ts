import pino, { type Logger } from 'pino';
import fs from 'node:fs';
import path from 'node:path';

/** An 18-character resident ID number anywhere in a log line (URL, message, error detail). */
const ID_NUMBER_IN_TEXT = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/** Masks every full ID number in the serialised line before it is written: the last line of defence. */
export function maskingStream(dest: pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void }): pino.DestinationStream {
  return {
    write: (line: string) => dest.write(line.replace(ID_NUMBER_IN_TEXT, '$1********$2')),
    ...(dest.flush ? { flush: (cb?: (err?: Error) => void) => dest.flush!(cb) } : {}),
  } as pino.DestinationStream;
}

/**
 * Structured JSON logs; `file` sends them to a file (npm start keeps the console for the banner), `destination`
 * to any stream (tests). Passwords, tokens and ID-number fields are redacted by path, and any full ID number left
 * in a line (a URL, an error detail) is masked.
 */
export function createLogger(opts: { level: string; file?: string; name: string; destination?: pino.DestinationStream }): Logger {
  const redact = {
    paths: ['password', '*.password', 'token', '*.token', 'idNumber', '*.idNumber', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
    censor: '[redacted]',
  };
  if (opts.destination) return pino({ level: opts.level, name: opts.name, redact }, maskingStream(opts.destination));
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    return pino({ level: opts.level, name: opts.name, redact }, maskingStream(pino.destination({ dest: opts.file, mkdir: true, sync: false })));
  }
  return pino({ level: opts.level, name: opts.name, redact }, maskingStream(pino.destination({ dest: 1, sync: true })));
}
