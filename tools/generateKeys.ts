/**
 * `npm run generate-keys`: prints a fresh data-protection key set (pii, blind) as base64, for PII_KEYS in
 * production (docker compose, a secret manager). `npm run generate-keys -- --ballot` prints a ballot key set for
 * BALLOT_KEYS instead: a set of its own, for whoever is trusted with ballot secrecy, not the API and worker
 * operators. Keep both apart from database backups (docs/security.md).
 */
import { BALLOT_PURPOSES, generateKeyFile } from '../platform/crypto/keys';

const ballot = process.argv.includes('--ballot');
console.log(Buffer.from(JSON.stringify(generateKeyFile(ballot ? BALLOT_PURPOSES : undefined))).toString('base64'));
