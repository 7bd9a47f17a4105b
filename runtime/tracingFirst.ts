/**
 * Starts tracing (runtime/tracing.ts) as a side effect; the first import of runtime/api.ts, worker.ts and start.ts,
 * so that `http`, `express` and `pg` are instrumented when they are first required. The service name is the entry
 * script's: zj-approvals-api, zj-approvals-worker, zj-approvals (npm start).
 */
import path from 'node:path';
import { startTracing } from './tracing';

const entry = path.basename(process.argv[1] ?? '', path.extname(process.argv[1] ?? ''));
startTracing(entry === 'api' || entry === 'worker' ? `zj-approvals-${entry}` : 'zj-approvals');
