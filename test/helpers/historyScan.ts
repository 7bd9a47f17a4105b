/**
 * Scanning workflow histories for personal data (docs/security.md, "Temporal payloads"): every history of the
 * namespace as protobuf bytes read as Latin-1 (strings inside show as they are), searched for valid ID numbers,
 * mobile numbers and the known values of the accounts.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { decodedHistory } from './history';
import { isValidIdNumber } from '../../platform/identity/idNumber';

/**
 * Every history of the namespace (or of the workflows named: the time-skipping server lists none); `decode` as an
 * admin reads them through the codec.
 */
export async function allHistories(client: Client, decode: boolean, workflowIds?: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const runs = async function* () {
    if (workflowIds) for (const workflowId of workflowIds) yield { workflowId, runId: undefined };
    else for await (const wf of client.workflow.list()) yield { workflowId: wf.workflowId, runId: wf.runId };
  };
  for await (const { workflowId, runId } of runs()) {
    let h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    if (decode) h = await decodedHistory(h);
    out.set(runId ? `${workflowId}/${runId}` : workflowId, Buffer.from(temporal.api.history.v1.History.encode(h).finish()).toString('latin1'));
  }
  return out;
}

const ID_LIKE = /(?<![0-9A-Za-z-])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_LIKE = /(?<![0-9A-Za-z-])1[3-9]\d{9}(?![0-9A-Za-z])/g;

/** the ID numbers and phones of every account (read through the database's decryption) */
export async function knownPersonalData(db: Kysely<Database>): Promise<string[]> {
  const users = await db.selectFrom('app_user').select(['id_number', 'phone']).execute();
  return users.flatMap((u) => [u.id_number, u.phone]).filter((v): v is string => !!v && v.length >= 11);
}

/** what of it each history holds, as "<workflow>: <what>" */
export function personalDataIn(histories: Map<string, string>, known: string[]): string[] {
  const found: string[] = [];
  for (const [id, text] of histories) {
    for (const m of text.matchAll(ID_LIKE)) if (isValidIdNumber(m[0])) found.push(`${id}: ID number ${m[0]}`);
    for (const m of text.matchAll(MOBILE_LIKE)) found.push(`${id}: mobile ${m[0]}`);
    for (const k of known) if (text.includes(k)) found.push(`${id}: ${k}`);
  }
  return found;
}
