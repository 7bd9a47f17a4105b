/** A CSV import's body is the file itself: refused unless it says it is text, read as bytes (the encoding is detected). */
import express, { type NextFunction, type Request, type Response } from 'express';
import { Problem } from './problem';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'];
const rawCsv = express.raw({ type: () => true, limit: '20mb' });

export function csvBody(req: Request, res: Response, next: NextFunction) {
  if (!req.is(CSV_TYPES)) {
    return next(
      new Problem('UNSUPPORTED_MEDIA_TYPE', `send the CSV file as the body with Content-Type: text/csv (got ${req.headers['content-type'] ?? 'none'})`),
    );
  }
  rawCsv(req, res, next);
}
