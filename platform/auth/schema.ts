/** Kysely types of the account tables (migrations 0010–0013). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** a timestamptz column with a default */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AuthSessionTable {
  id: string;
  user_id: number;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  client_ip: string | null;
  /** the identity provider the session was opened through (null: a password) */
  provider: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LoginFailureTable {
  id: Generated<string>;
  username_key: string;
  client_ip: string;
  at: DefaultTimestamp;
}

export interface LoginLockoutTable {
  username_key: string;
  locked_at: Timestamp;
  locked_until: Timestamp;
  failures: number;
  addresses: string[];
  /** the address locked out of the account, or '*' (the account-wide measure, sparing known addresses) */
  client_ip: string;
  unlocked_at: Timestamp | null;
  unlocked_by: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  actor_user_id: number | null;
  actor_username: string;
  action: string;
  target_type: string;
  target_id: string;
  client_ip: string | null;
  details: ColumnType<unknown, string | undefined, string>;
}

export interface IdentityDisputeTable {
  id: Generated<number>;
  id_number: string;
  opened_at: DefaultTimestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  winner_user_id: number | null;
  resolution: 'verified_by_unit' | 'bureau_decision' | 'provincial_identity' | null;
  reason: string | null;
}

export interface LoginAccountStateTable {
  username_key: string;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  known_addresses: ColumnType<string[], string[] | undefined, string[]>;
  last_success_at: Timestamp | null;
}

export interface FederatedIdentityTable {
  provider: string;
  subject: string;
  user_id: number;
  created_at: DefaultTimestamp;
  created_by: string | null;
  last_sign_in_at: Timestamp | null;
}

export interface AuthFlowTable {
  state_hash: string;
  provider: string;
  nonce: string;
  code_verifier: string;
  binding_hash: string;
  redirect_uri: string;
  return_to: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthExchangeCodeTable {
  code_hash: string;
  user_id: number;
  provider: string;
  client_ip: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthLinkTicketTable {
  ticket_hash: string;
  provider: string;
  subject: string;
  id_number: string;
  display_name: string;
  phone: string | null;
  return_to: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthLinkSmsCodeTable {
  id: Generated<string>;
  ticket_hash: string;
  user_id: number;
  /** `<blind key id>.<hex HMAC-SM3>` of the code */
  code_mac: string;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface LoginPolicyTable {
  role: string;
  password_login: boolean;
  updated_at: DefaultTimestamp;
  updated_by: string;
}

export interface AccountTables {
  auth_session: AuthSessionTable;
  login_failure: LoginFailureTable;
  login_lockout: LoginLockoutTable;
  login_account_state: LoginAccountStateTable;
  audit_log: AuditLogTable;
  identity_dispute: IdentityDisputeTable;
  federated_identity: FederatedIdentityTable;
  auth_flow: AuthFlowTable;
  auth_exchange_code: AuthExchangeCodeTable;
  auth_link_ticket: AuthLinkTicketTable;
  auth_link_sms_code: AuthLinkSmsCodeTable;
  login_policy: LoginPolicyTable;
}
