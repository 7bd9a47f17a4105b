import request from 'supertest';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { actor } from './claims';

/** the secret testApp signs with: tokens for many accounts without hitting the login rate limit */
const issuer = createTokenIssuer('test-secret-for-jest-only-0123456789');

export async function tokenFor(db: Kysely<Database>, username: string): Promise<string> {
  const a = await actor(db, username);
  return tokenForUser(db, issuer, { id: a.userId, username: a.username });
}

/** A token for the account of a committee expert (zj_expert.user_id), by the expert's id. */
export async function expertToken(db: Kysely<Database>, expertId: string): Promise<string> {
  const expert = await db
    .selectFrom('zj_expert')
    .innerJoin('app_user', 'app_user.id', 'zj_expert.user_id')
    .select('username')
    .where('zj_expert.id', '=', expertId)
    .executeTakeFirstOrThrow();
  return tokenFor(db, expert.username);
}

let seq = 0;
/** A registered applicant (as POST /auth/register creates one), with a token. */
export async function newApplicant(db: Kysely<Database>, name: string): Promise<{ username: string; idNumber: string; token: string }> {
  const n = ++seq;
  const idNumber = makeIdNumber(`330102198${n % 10}0${1 + (n % 9)}1${n % 10}${String(100 + n).slice(-3)}`);
  const username = `zjapp${process.pid}x${n}`;
  await db
    .insertInto('app_user')
    .values({
      username,
      password_hash: 'x',
      display_name: name,
      roles: ['applicant'],
      org_code: null,
      id_number: idNumber,
      phone: `1370000${String(n).padStart(4, '0')}`,
    })
    .execute();
  return { username, idNumber, token: await tokenFor(db, username) };
}

export function client(app: Express) {
  const withAuth = (r: request.Test, token?: string) => (token ? r.set('Authorization', `Bearer ${token}`) : r);
  return {
    post: (path: string, token: string | undefined, body: unknown = {}) => withAuth(request(app).post(path), token).send(body as object),
    get: (path: string, token?: string) => withAuth(request(app).get(path), token),
    decide: (taskId: string, token: string, body: unknown) =>
      withAuth(request(app).post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`), token).send(body as object),
  };
}

export function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body.code, detail: res.body.detail }).toEqual({ status, code, detail: expect.any(String) });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}
