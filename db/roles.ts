/**
 * The database roles (docs/security.md, "Database roles"): the application never connects as a superuser.
 * - `approvals_owner` owns the schema and every table, sequence, function and type in it; only the migrations
 *   connect as it (`npm start`, `npm run start:cluster` and the compose file's `migrate` service).
 * - `approvals_app` is what the API and the worker connect as: CONNECT and TEMPORARY on the database, USAGE on the
 *   schema, SELECT/INSERT/UPDATE/DELETE on the tables and USAGE/SELECT/UPDATE on the sequences — no CREATE, no
 *   superuser, no membership of `pg_execute_server_program` (so no `COPY … TO PROGRAM`), no `pg_read_server_files`.
 * Tables a later migration creates get the same grants (default privileges of the owner role), and the grants are
 * renewed after every migration run.
 *
 * `ensureDatabaseRoles` runs as a superuser (the embedded PostgreSQL's `postgres`); on a database the app used to
 * own as the superuser it hands every object over to the owner role.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const OWNER_ROLE = 'approvals_owner';
export const APP_ROLE = 'approvals_app';

export interface RolePasswords {
  owner: string;
  app: string;
}

export interface RoleUrls {
  /** migrations */
  ownerUrl: string;
  /** the API and the worker */
  appUrl: string;
}

/** Development passwords, generated once and kept with the data (0600, like the JWT secret). */
export function rolePasswordsFile(dataDir: string): RolePasswords {
  const file = path.join(dataDir, 'db-roles.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as RolePasswords;
  const p = { owner: randomBytes(18).toString('base64url'), app: randomBytes(18).toString('base64url') };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(p), { mode: 0o600 });
  return p;
}

function withUser(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/** Creates (or updates) both roles, makes the owner role own the database and its objects, grants the app role. */
export async function ensureDatabaseRoles(superuserUrl: string, passwords: RolePasswords): Promise<RoleUrls> {
  const db = new URL(superuserUrl).pathname.slice(1);
  const admin = new Client({ connectionString: superuserUrl });
  await admin.connect();
  try {
    const lit = (s: string) => admin.escapeLiteral(s);
    const id = (s: string) => admin.escapeIdentifier(s);
    for (const [role, pw] of [
      [OWNER_ROLE, passwords.owner],
      [APP_ROLE, passwords.app],
    ] as const) {
      const exists = (await admin.query('select 1 from pg_roles where rolname = $1', [role])).rowCount;
      await admin.query(
        `${exists ? 'alter' : 'create'} role ${id(role)} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${lit(pw)}`,
      );
    }
    await admin.query(`alter database ${id(db)} owner to ${id(OWNER_ROLE)}`);
    await admin.query(`revoke all on database ${id(db)} from public`);
    await admin.query(`grant connect, temporary on database ${id(db)} to ${id(APP_ROLE)}`);
    await admin.query(`alter schema public owner to ${id(OWNER_ROLE)}`);
    await admin.query('revoke create on schema public from public');
    await admin.query(`grant usage on schema public to ${id(APP_ROLE)}`);
    // objects created before the roles existed (migrated as the superuser) now belong to the owner role
    await admin.query(`
      do $$
      declare r record;
      begin
        for r in
          select c.relkind, quote_ident(c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
            and pg_get_userbyid(c.relowner) <> '${OWNER_ROLE}'
            and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')))
        loop
          execute format('alter %s public.%s owner to ${OWNER_ROLE}',
            case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
            r.name);
        end loop;
        for r in
          select p.oid::regprocedure::text as sig, p.prokind from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> '${OWNER_ROLE}'
            and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
        loop
          execute format('alter %s %s owner to ${OWNER_ROLE}', case r.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, r.sig);
        end loop;
        for r in
          select t.oid::regtype::text as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where n.nspname = 'public' and t.typtype in ('e', 'd') and pg_get_userbyid(t.typowner) <> '${OWNER_ROLE}'
            and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')
        loop
          execute format('alter type %s owner to ${OWNER_ROLE}', r.name);
        end loop;
      end $$`);
  } finally {
    await admin.end();
  }
  const urls = { ownerUrl: withUser(superuserUrl, OWNER_ROLE, passwords.owner), appUrl: withUser(superuserUrl, APP_ROLE, passwords.app) };
  await grantAppRole(urls.ownerUrl);
  return urls;
}

/** The app role's grants on everything the owner role has (run as the owner after the migrations). */
export async function grantAppRole(ownerUrl: string): Promise<void> {
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const app = c.escapeIdentifier(APP_ROLE);
    const owner = c.escapeIdentifier(OWNER_ROLE);
    await c.query(`grant select, insert, update, delete on all tables in schema public to ${app}`);
    await c.query(`grant usage, select, update on all sequences in schema public to ${app}`);
    await c.query(`grant execute on all functions in schema public to ${app}`);
    await c.query(`alter default privileges for role ${owner} in schema public grant select, insert, update, delete on tables to ${app}`);
    await c.query(`alter default privileges for role ${owner} in schema public grant usage, select, update on sequences to ${app}`);
    await c.query(`alter default privileges for role ${owner} in schema public grant execute on functions to ${app}`);
    // the ballot's close rewrites the tables that held wrapped private keys or key shares (VACUUM FULL, so no dead row version
    // keeps a key): the app role may maintain those, nothing else (PostgreSQL 17's MAINTAIN privilege)
    const version = Number((await c.query('show server_version_num')).rows[0].server_version_num);
    if (version >= 170000) {
      const { rows } = await c.query(
        `select tablename from pg_tables where schemaname = 'public' and tablename in ('ballot_private_key', 'ballot_key', 'ballot_key_share')`,
      );
      for (const r of rows) await c.query(`grant maintain on ${c.escapeIdentifier(r.tablename)} to ${app}`);
    }
  } finally {
    await c.end();
  }
}
