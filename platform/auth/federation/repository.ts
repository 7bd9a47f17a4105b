/** All SQL writes (and the lookups they depend on) of federated sign-in: flows, one-time codes, links, accounts. */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, User } from '../../../db/schema';

type Exec = Kysely<Database> | Transaction<Database>;

/** the password hash of an account that signs in only through a provider (verifyPassword never accepts it) */
export const NO_PASSWORD = '!federated';
export const hasPassword = (u: Pick<User, 'password_hash'>) => u.password_hash.startsWith('scrypt$');

/** secrets handed to the browser are stored only as their SHA-256 */
export const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

export async function insertFlow(
  exec: Exec,
  f: { state: string; provider: string; nonce: string; codeVerifier: string; binding: string; redirectUri: string; returnTo: string; ttlMs: number },
): Promise<void> {
  await exec
    .insertInto('auth_flow')
    .values({
      state_hash: digest(f.state),
      provider: f.provider,
      nonce: f.nonce,
      code_verifier: f.codeVerifier,
      binding_hash: digest(f.binding),
      redirect_uri: f.redirectUri,
      return_to: f.returnTo,
      expires_at: new Date(Date.now() + f.ttlMs),
    })
    .execute();
}

/** the flow the state names, marked used (a second callback with the same state finds nothing) */
export function takeFlow(exec: Exec, state: string, provider: string) {
  return exec
    .updateTable('auth_flow')
    .set({ used_at: new Date() })
    .where('state_hash', '=', digest(state))
    .where('provider', '=', provider)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}

export async function insertExchangeCode(exec: Exec, c: { code: string; userId: number; provider: string; clientIp: string | null; ttlMs: number }) {
  await exec
    .insertInto('auth_exchange_code')
    .values({ code_hash: digest(c.code), user_id: c.userId, provider: c.provider, client_ip: c.clientIp, expires_at: new Date(Date.now() + c.ttlMs) })
    .execute();
}

export function takeExchangeCode(exec: Exec, code: string) {
  return exec
    .updateTable('auth_exchange_code')
    .set({ used_at: new Date() })
    .where('code_hash', '=', digest(code))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['user_id', 'provider'])
    .executeTakeFirst();
}

export async function insertLinkTicket(
  exec: Exec,
  t: { ticket: string; provider: string; subject: string; idNumber: string; name: string; phone: string | null; returnTo: string; ttlMs: number },
) {
  await exec
    .insertInto('auth_link_ticket')
    .values({
      ticket_hash: digest(t.ticket),
      provider: t.provider,
      subject: t.subject,
      id_number: t.idNumber,
      display_name: t.name,
      phone: t.phone,
      return_to: t.returnTo,
      expires_at: new Date(Date.now() + t.ttlMs),
    })
    .execute();
}

export function findLinkTicket(exec: Exec, ticket: string) {
  return exec
    .selectFrom('auth_link_ticket')
    .selectAll()
    .where('ticket_hash', '=', digest(ticket))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

/** marks the ticket used; false when another request used it first */
export async function useLinkTicket(exec: Exec, ticket: string): Promise<boolean> {
  const r = await exec
    .updateTable('auth_link_ticket')
    .set({ used_at: new Date() })
    .where('ticket_hash', '=', digest(ticket))
    .where('used_at', 'is', null)
    .returning('ticket_hash')
    .executeTakeFirst();
  return !!r;
}

export function findLinkedUser(exec: Exec, provider: string, subject: string): Promise<User | undefined> {
  return exec
    .selectFrom('federated_identity as f')
    .innerJoin('app_user as u', 'u.id', 'f.user_id')
    .selectAll('u')
    .where('f.provider', '=', provider)
    .where('f.subject', '=', subject)
    .executeTakeFirst();
}

export function identitiesOf(exec: Exec, userId: number) {
  return exec.selectFrom('federated_identity').select(['provider', 'subject']).where('user_id', '=', userId).orderBy('provider').execute();
}

/** links the subject to the account (replacing the account's earlier subject at that provider) */
export async function linkIdentity(exec: Exec, provider: string, subject: string, userId: number, by: string): Promise<void> {
  await exec.deleteFrom('federated_identity').where('provider', '=', provider).where('user_id', '=', userId).execute();
  await exec.insertInto('federated_identity').values({ provider, subject, user_id: userId, created_by: by }).execute();
}

export async function unlinkIdentity(exec: Exec, provider: string, userId: number): Promise<number> {
  const r = await exec.deleteFrom('federated_identity').where('provider', '=', provider).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function touchSignIn(exec: Exec, provider: string, subject: string): Promise<void> {
  await exec.updateTable('federated_identity').set({ last_sign_in_at: new Date() }).where('provider', '=', provider).where('subject', '=', subject).execute();
}

/** accounts that hold or claim an ID number (not flagged), oldest first */
export function accountsWithIdNumber(exec: Exec, idNumber: string): Promise<User[]> {
  return exec
    .selectFrom('app_user')
    .selectAll()
    .where('id_number', '=', idNumber)
    .where((eb) => eb.or([eb('identity_status', 'is', null), eb('identity_status', '<>', 'rejected')]))
    .orderBy('id')
    .execute();
}

/** serialises sign-ins and registrations for one ID number (the same lock as repository.ts createApplicant) */
export async function lockIdentity(trx: Transaction<Database>, idNumber: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('identity'), hashtext(${idNumber}))`.execute(trx);
}

export async function insertFederatedUser(
  exec: Exec,
  v: {
    username: string;
    name: string;
    roles: string[];
    orgCode: string | null;
    idNumber: string | null;
    phone: string | null;
    identityStatus: User['identity_status'];
    createdBy: string;
  },
): Promise<User> {
  return exec
    .insertInto('app_user')
    .values({
      username: v.username,
      password_hash: NO_PASSWORD,
      display_name: v.name,
      roles: v.roles,
      org_code: v.orgCode,
      id_number: v.idNumber,
      phone: v.phone,
      identity_status: v.identityStatus,
      created_by: v.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setRolesAndOrg(exec: Exec, userId: number, roles: string[], orgCode: string | null): Promise<void> {
  await exec.updateTable('app_user').set({ roles, org_code: orgCode }).where('id', '=', userId).execute();
}

/**
 * Confirms `userId` as the holder of `idNumber` after the person proved the account with the province's identity:
 * the other claimants are flagged and an open dispute closed (identity_confirm of migration 0013, audited there).
 */
export async function confirmIdentity(exec: Exec, userId: number, idNumberIndex: string, by: string): Promise<void> {
  await sql`select identity_confirm(${userId}, ${idNumberIndex}, 'provincial_identity', ${by})`.execute(exec);
}

export function findOrgByCreditCode(exec: Exec, creditCode: string) {
  return exec.selectFrom('org').select(['code', 'name', 'type', 'active']).where('credit_code', '=', creditCode).executeTakeFirst();
}

export function findOrg(exec: Exec, code: string) {
  return exec.selectFrom('org').select(['code', 'name', 'type', 'active', 'credit_code']).where('code', '=', code).executeTakeFirst();
}

export function loginPolicies(exec: Exec) {
  return exec.selectFrom('login_policy').selectAll().execute();
}

export async function setLoginPolicy(exec: Exec, role: string, passwordLogin: boolean, by: string): Promise<void> {
  await exec
    .insertInto('login_policy')
    .values({ role, password_login: passwordLogin, updated_by: by })
    .onConflict((oc) => oc.column('role').doUpdateSet({ password_login: passwordLogin, updated_by: by, updated_at: new Date() }))
    .execute();
}

/** of the given subjects at a provider, those already linked to an account */
export async function linkedSubjects(exec: Exec, provider: string, subjects: string[]): Promise<Set<string>> {
  const list = [...new Set(subjects)];
  if (!list.length) return new Set();
  const rows = await exec.selectFrom('federated_identity').select('subject').where('provider', '=', provider).where('subject', 'in', list).execute();
  return new Set(rows.map((r) => r.subject));
}

/** a new SMS code for a link ticket and account; the ticket's earlier unused codes die with it */
export async function insertLinkSmsCode(exec: Exec, c: { ticket: string; userId: number; codeMac: string; ttlMs: number }): Promise<void> {
  const ticketHash = digest(c.ticket);
  await exec.updateTable('auth_link_sms_code').set({ used_at: new Date() }).where('ticket_hash', '=', ticketHash).where('used_at', 'is', null).execute();
  await exec
    .insertInto('auth_link_sms_code')
    .values({ ticket_hash: ticketHash, user_id: c.userId, code_mac: c.codeMac, expires_at: new Date(Date.now() + c.ttlMs) })
    .execute();
}

/** the codes sent for a ticket, newest first */
export function linkSmsCodesOf(exec: Exec, ticket: string) {
  return exec.selectFrom('auth_link_sms_code').selectAll().where('ticket_hash', '=', digest(ticket)).orderBy('created_at', 'desc').execute();
}

/** counts one attempt at the ticket's live code for the account; answers the code with its attempts so far */
export function attemptLinkSmsCode(exec: Exec, ticket: string, userId: number) {
  return exec
    .updateTable('auth_link_sms_code')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('ticket_hash', '=', digest(ticket))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['id', 'code_mac', 'attempts'])
    .executeTakeFirst();
}

/** marks the code used; false when it was used (or killed) already */
export async function spendLinkSmsCode(exec: Exec, id: string): Promise<boolean> {
  const r = await exec
    .updateTable('auth_link_sms_code')
    .set({ used_at: new Date() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

/** serialises the SMS codes of one link ticket */
export async function lockLinkTicket(trx: Transaction<Database>, ticket: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('link-ticket'), hashtext(${digest(ticket)}))`.execute(trx);
}
