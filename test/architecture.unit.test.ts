/**
 * One writer per table (issue 18, item 3; docs/CONVENTIONS.md "Who writes what"): every SQL write to a table is made
 * by a repository file (`*Repository.ts`, `repository.ts`, or a file in a `repositories/` folder) of the domain that
 * owns the table. Activities and use cases call those functions; a domain that changes another's data calls that
 * domain's exported function. Migrations, tests, bench fixtures under tools/ and the demo seeds may write directly.
 * Scans the source (no database): fast, part of `npm run test:unit`.
 */
import { join } from 'node:path';
import { readSource, sourceFiles, sqlWritesIn, type SqlWrite } from './architecture/sqlWrites';

const ROOT = join(__dirname, '..');

type Owner = 'platform' | 'nanxun' | 'titleReview';

/** Who owns each table. A table missing here fails the test: say who owns it before anyone writes it. */
const OWNERS: Record<Owner, string[]> = {
  platform: [
    'org',
    'app_user',
    'calendar_year',
    'calendar_day',
    'task',
    'timeline',
    'idempotency',
    'sequence',
    'notice',
    'objection',
    'auth_session',
    'login_failure',
    'login_lockout',
    'login_account_state',
    'audit_log',
    'identity_dispute',
    'material_blob',
    'material',
    'material_content',
    'material_access',
    'material_request',
    'rating',
    'notification',
    'reconciliation_run',
    'reconciliation_finding',
    // policy editions (platform/policy/repository.ts): the domains declare their parameters, the kernel keeps the editions
    'policy_edition',
    'federated_identity',
    'auth_flow',
    'auth_exchange_code',
    'auth_link_ticket',
    'auth_link_sms_code',
    'login_policy',
  ],
  nanxun: ['claim', 'claim_view', 'payout', 'instalment', 'blacklist', 'fund_budget', 'nanxun_application_period', 'nanxun_application_period_version'],
  titleReview: [
    'zj_unit',
    'zj_expert',
    'zj_session',
    'zj_application',
    'zj_committee_draw',
    'zj_committee_member',
    'ballot_voter',
    'ballot_vote',
    'ballot_key',
    'ballot_private_key',
    'ballot_key_share',
    'ballot_paper',
    'title_grant',
    'title_ban',
  ],
};
const ownerOf = new Map<string, Owner>(Object.entries(OWNERS).flatMap(([owner, tables]) => tables.map((t) => [t, owner as Owner] as const)));

/** Where writes may stay as they are: migrations, tests, bench fixtures and tools, the demo seeds, the web console. */
function exempt(path: string): boolean {
  return (
    /(^|\/)(node_modules|dist|coverage|\.git|migrations|test|tests|web|tools)(\/|$)/.test(path) || /\.test\.tsx?$/.test(path) || /(^|\/)seed\.ts$/.test(path)
  );
}

const isRepository = (path: string) => /(^|\/)repositories\//.test(path) || /(^|\/)(repository|\w+Repository)\.ts$/.test(path);
const domainOf = (path: string): Owner | null => {
  const top = path.split('/')[0];
  return top === 'platform' || top === 'nanxun' || top === 'titleReview' ? top : null;
};

interface Violation {
  file: string;
  line: number;
  rule: 'outside a repository' | "another domain's table" | 'unowned table';
  table: string;
}

function violationsOf(w: SqlWrite): Violation[] {
  const out: Violation[] = [];
  const at = { file: w.file, line: w.line, table: w.table };
  if (!isRepository(w.file) || !domainOf(w.file)) out.push({ ...at, rule: 'outside a repository' });
  const owner = ownerOf.get(w.table);
  if (!owner) out.push({ ...at, rule: 'unowned table' });
  else if (domainOf(w.file) && domainOf(w.file) !== owner) out.push({ ...at, rule: "another domain's table" });
  return out;
}

/**
 * Writes still in the kernel, each as `file: ['rule table', …]`: the kernel's own move (issue 18, item 1) takes the
 * domains' tables out of platform/ (zj_expert, zj_unit, ballot_key and the key rotation's table list), and the
 * kernel's own writes move into its repository files. The list only shrinks: an entry that no longer matches a write
 * fails the test too, so remove it when its write moves.
 */
const PENDING: Record<string, string[]> = {
  // the domains' tables in the kernel
  'platform/crypto/rotation.ts': ['outside a repository ?', 'unowned table ?'],
};

const writes = sourceFiles(ROOT, exempt).flatMap((f) => sqlWritesIn(f, readSource(ROOT, f)));
const key = (v: Violation) => `${v.rule} ${v.table}`;

describe('one writer per table', () => {
  it('finds the writes it is meant to find', () => {
    const sample = readSource(ROOT, 'test/architecture/writes.fixture.txt');
    expect(sqlWritesIn('x.ts', sample).map((w) => `${w.line}:${w.statement}:${w.table}`)).toEqual([
      '1:insertInto:claim',
      '3:updateTable:zj_session',
      '5:deleteFrom:objection',
      '6:update:ballot_key',
      '7:insert into:notice',
      '8:update:?',
    ]);
    expect(violationsOf({ file: 'nanxun/activities/claims.ts', line: 1, table: 'claim', statement: 'updateTable' })).toEqual([
      { file: 'nanxun/activities/claims.ts', line: 1, table: 'claim', rule: 'outside a repository' },
    ]);
    expect(violationsOf({ file: 'nanxun/repositories/claims.ts', line: 1, table: 'zj_application', statement: 'updateTable' })[0]?.rule).toBe(
      "another domain's table",
    );
    expect(violationsOf({ file: 'titleReview/repositories/x.ts', line: 1, table: 'zj_session', statement: 'updateTable' })).toEqual([]);
    expect(violationsOf({ file: 'api/app.ts', line: 1, table: 'task', statement: 'insertInto' })[0]?.rule).toBe('outside a repository');
  });

  it('scans the source: the domains and the kernel write', () => {
    const writers = new Set(writes.map((w) => domainOf(w.file)));
    expect(writers).toEqual(new Set(['platform', 'nanxun', 'titleReview']));
    expect(writes.length).toBeGreaterThan(40);
  });

  it('every table of the schema has an owner', () => {
    const schema = readSource(ROOT, 'db/schema.ts');
    const body = schema.slice(schema.indexOf('export interface Database {'));
    const tables = [...body.slice(0, body.indexOf('\n}')).matchAll(/^\s{2}([a-z_]+):/gm)].map((m) => m[1]!);
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((t) => !ownerOf.has(t))).toEqual([]);
  });

  it("every write is made by a repository of the table's owner", () => {
    const unexpected = writes
      .flatMap(violationsOf)
      .filter((v) => !PENDING[v.file]?.includes(key(v)))
      .map((v) => `${v.file}:${v.line} ${key(v)}`);
    expect(unexpected).toEqual([]);
  });

  it('the pending list only names writes that are still there', () => {
    const seen = new Set(writes.flatMap(violationsOf).map((v) => `${v.file}: ${key(v)}`));
    const stale = Object.entries(PENDING).flatMap(([file, keys]) => keys.filter((k) => !seen.has(`${file}: ${k}`)).map((k) => `${file}: ${k}`));
    expect(stale).toEqual([]);
  });
});
