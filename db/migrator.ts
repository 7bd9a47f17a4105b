import { type Kysely, Migrator, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from '../platform/migrations/0001_platform';
import * as m0002 from '../nanxun/migrations/0002_nanxun_claims';
import * as m0003 from '../nanxun/migrations/0003_nanxun_instalments';
import * as m0004 from '../titleReview/migrations/0004_title_review';
import * as m0005 from '../platform/migrations/0005_inbox_index';
import * as m0006 from '../nanxun/migrations/0006_claim_view';
import * as m0085 from '../nanxun/migrations/0085_claim_view_trigger_filters';
import * as m0086 from '../nanxun/migrations/0086_claim_view_read_columns';
import * as m0007 from '../platform/migrations/0007_url_safe_task_ids';
import * as m0015 from '../platform/orgs/migrations/0015_org_admin';
import * as m0010 from '../platform/migrations/0010_sessions';
import * as m0011 from '../platform/migrations/0011_login_protection';
import * as m0012 from '../platform/migrations/0012_audit_log';
import * as m0013 from '../platform/migrations/0013_identity_binding';
import * as m0014 from '../platform/migrations/0014_account_change_notify';
import * as m0025 from '../platform/materials/migrations/0025_materials';
import * as m0026 from '../platform/ratings/migrations/0026_ratings';
import * as m0030 from '../platform/notifications/migrations/0030_notifications';
import * as m0031 from '../nanxun/migrations/0031_application_periods';
import * as m0020 from '../titleReview/migrations/0020_ballot_secrecy';
import * as m0021 from '../platform/migrations/0021_personal_data_encryption';
import * as m0058 from '../platform/reconciliation/migrations/0058_reconciliation';
import * as m0036 from '../platform/migrations/0036_identity_dispute_encryption';
import * as m0045 from '../platform/materials/migrations/0045_sealed_materials';
import * as m0046 from '../platform/auth/migrations/0046_address_lockout';
import * as m0047 from '../nanxun/migrations/0047_application_period_versions';
import * as m0048 from '../titleReview/migrations/0048_ballot_private_key';
import * as m0060 from '../titleReview/migrations/0060_ban_from_decision_year';
import * as m0065 from '../platform/policy/migrations/0065_policy_editions';
import * as m0066 from '../nanxun/migrations/0066_nanxun_policy_editions';
import * as m0067 from '../titleReview/migrations/0067_title_policy_editions';
import * as m0070 from '../platform/publicity/migrations/0070_notice_policy';
import * as m0071 from '../titleReview/migrations/0071_committee_draw_edition';
import * as m0072 from '../nanxun/migrations/0072_instalment_plan_fixed';
import * as m0075 from '../titleReview/migrations/0075_ballot_key_shares';
import * as m0076 from '../platform/notifications/migrations/0076_sealed_notification_body';
import * as m0050 from '../platform/migrations/0050_federated_sign_in';
import * as m0080 from '../platform/auth/migrations/0080_link_sms_code';

/** Migrations are imported statically so they work the same under tsx, Jest and a bundle. */
const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_nanxun_claims': m0002,
  '0003_nanxun_instalments': m0003,
  '0004_zhejiang': m0004,
  '0005_inbox_index': m0005,
  '0006_claim_view': m0006,
  '0007_url_safe_task_ids': m0007,
  '0015_org_admin': m0015,
  '0010_sessions': m0010,
  '0011_login_protection': m0011,
  '0012_audit_log': m0012,
  '0013_identity_binding': m0013,
  '0014_account_change_notify': m0014,
  '0025_materials': m0025,
  '0026_ratings': m0026,
  '0030_notifications': m0030,
  '0031_application_periods': m0031,
  '0020_ballot_secrecy': m0020,
  '0021_personal_data_encryption': m0021,
  '0036_identity_dispute_encryption': m0036,
  '0045_sealed_materials': m0045,
  '0046_address_lockout': m0046,
  '0047_application_period_versions': m0047,
  '0048_ballot_private_key': m0048,
  '0050_federated_sign_in': m0050,
  '0060_ban_from_decision_year': m0060,
  '0058_reconciliation': m0058,
  '0065_policy_editions': m0065,
  '0066_nanxun_policy_editions': m0066,
  '0067_title_policy_editions': m0067,
  '0070_notice_policy': m0070,
  '0071_committee_draw_edition': m0071,
  '0072_instalment_plan_fixed': m0072,
  '0075_ballot_key_shares': m0075,
  '0076_sealed_notification_body': m0076,
  '0080_link_sms_code': m0080,
  '0085_claim_view_trigger_filters': m0085,
  '0086_claim_view_read_columns': m0086,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
