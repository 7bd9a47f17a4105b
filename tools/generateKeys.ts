/**
 * `npm run generate-keys`: prints a fresh data-protection key set (pii, blind, ballot) as base64, for PII_KEYS in
 * production (docker compose, a secret manager). Keep it apart from database backups (docs/security.md).
 */
import { generateKeyFile } from '../platform/crypto/keys';

console.log(Buffer.from(JSON.stringify(generateKeyFile())).toString('base64'));
