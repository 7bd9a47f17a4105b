/**
 * What the workflow engine holds instead of personal data (docs/security.md, "Temporal payloads"):
 * - a **person reference** where a workflow must recognise a person (the applicant of a subject, the acting clerk
 *   for the conflict-of-interest check): the keyed blind index of the ID number (HMAC-SM3 under a `blind` key,
 *   `platform/crypto/blindIndex.ts`), the same value the database keeps in its ID-number columns, so activities
 *   look the person up by it and the workflow compares it without ever seeing the number;
 * - **sealed** values where a workflow only carries data to the activity that stores it (the submission's ID
 *   number and phone): SM4 ciphertexts (`pii1.…`) that the recording activity opens.
 * Values recorded before (plain ID numbers in older histories) are accepted as they are.
 */
import { blindIndex, blindIndexes, isBlindIndex } from '../crypto/blindIndex';
import { decryptPii, encryptPii, isCiphertext } from '../crypto/personalData';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../tasks/messages';

export const personRef = (idNumber: string): string => blindIndex(idNumber);
export { isBlindIndex as isPersonRef };

/** An SM4 ciphertext of a value a workflow carries to the activity that stores it. */
export const sealForWorkflow = (value: string): string => encryptPii(value);
/** The plain value of what `sealForWorkflow` made (a value recorded in clear before is returned as it is). */
export const unsealFromWorkflow = (value: string): string => (isCiphertext(value) ? decryptPii(value) : value);

/**
 * The actor as a workflow sees it in an Update: no ID number, only the references of the person under every
 * blind-key version (so a rotation in progress still recognises them).
 */
export function workflowActor(actor: Actor): Actor {
  return { ...actor, idNumber: null, personRefs: actor.idNumber ? blindIndexes(actor.idNumber) : [] };
}

/**
 * The ID number a person reference stands for, read from the account that holds it (every applicant has one), for
 * the rows that keep the person's ID number (encrypted) such as `task.subject_person_id`. An ID number recorded in
 * clear by an older workflow is returned as it is; a reference no account holds gives null.
 */
export async function idNumberOfPerson(db: Kysely<Database>, personId: string | null): Promise<string | null> {
  if (!personId || !isBlindIndex(personId)) return personId;
  const row = await db.selectFrom('app_user').select('id_number').where('id_number', '=', personId).executeTakeFirst();
  return row?.id_number ?? null;
}
