/** Schemas of the administration routes (validation and the OpenAPI document). */
import { z } from 'zod';
import { registry } from '../http/route';
import { ROLES } from '../auth/roles';
import { Phone } from '../http/schemas';

const Role = z.enum(ROLES);
const Username = z
  .string()
  .trim()
  .min(3)
  .max(50)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -');

export const CreateUserBody = registry.register(
  'CreateUserBody',
  z
    .object({
      username: Username,
      displayName: z.string().trim().min(1).max(100),
      orgCode: z
        .string()
        .trim()
        .min(1)
        .max(50)
        .nullable()
        .openapi({ description: 'the organisation the account works for (null for experts and district-wide roles); 422 UNKNOWN_ORG if none' }),
      roles: z
        .array(Role)
        .min(1)
        .max(ROLES.length)
        .openapi({
          description: `one or more of: ${ROLES.join(', ')}; at most one of admin, security_admin, auditor (and then no other); each fitting the organisation's type (422)`,
        }),
      phone: Phone.openapi({ description: "the person's mobile number: the one-time password is sent there by SMS, never shown to the operator" }),
    })
    .strict(),
);

export const PatchUserBody = registry.register(
  'PatchUserBody',
  z
    .object({
      roles: z.array(Role).min(1).max(ROLES.length).optional(),
      active: z.boolean().optional().openapi({ description: 'false deactivates: the account can neither log in nor use a token' }),
      displayName: z.string().trim().min(1).max(100).optional(),
      phone: Phone.optional().openapi({ description: 'where one-time passwords are sent' }),
    })
    .strict()
    .refine((b) => Object.keys(b).length > 0, 'give at least one of roles, active, displayName, phone'),
);

export const AdminUserView = registry.register(
  'AdminUser',
  z.object({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    orgCode: z.string().nullable(),
    active: z.boolean(),
    mustChangePassword: z.boolean(),
    lockedUntil: z.string().nullable().openapi({ description: 'set while the account is locked after failed logins' }),
    identityStatus: z.enum(['provisional', 'confirmed', 'rejected']).nullable(),
    demo: z.boolean(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  }),
);

export const UserWithPassword = registry.register(
  'UserWithOneTimePasswordSent',
  z.object({
    user: AdminUserView,
    oneTimePasswordSent: z
      .object({ channel: z.literal('sms'), to: z.string().openapi({ description: 'the masked mobile number' }) })
      .openapi({ description: 'the one-time password went to the person by SMS (never to the operator); they change it at first login' }),
  }),
);

export const UserListQuery = z.object({
  orgCode: z.string().max(50).optional(),
  q: z.string().max(100).optional().openapi({ description: 'part of the username or display name' }),
  role: Role.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const UserPage = registry.register(
  'UserPage',
  z.object({ items: z.array(AdminUserView), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
);

export const AuditQuery = z.object({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional().openapi({
    description:
      'e.g. user.created, user.updated, user.deactivated, user.password_reset, account.locked, account.unlocked, identity.confirmed, identity.dispute_resolved, expert.account_created',
  }),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  to: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .openapi({ description: 'id of the last entry of the previous page (entries come newest first)' }),
});

export const AuditEntryView = registry.register(
  'AuditEntry',
  z.object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    clientIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  }),
);

export const LockoutView = registry.register(
  'Lockout',
  z.object({
    username: z.string(),
    lockedAt: z.string(),
    lockedUntil: z.string(),
    failures: z.number().int(),
    addresses: z.array(z.string()),
    scope: z
      .enum(['address', 'account'])
      .openapi({ description: 'address: only `address` is locked out of the account; account: every address it never logged in from' }),
    address: z.string().nullable(),
  }),
);

export const DisputeView = registry.register(
  'IdentityDispute',
  z.object({
    id: z.number().int(),
    idNumber: z.string().openapi({ description: 'masked' }),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolution: z.enum(['verified_by_unit', 'bureau_decision']).nullable(),
    resolvedBy: z.string().nullable(),
    winner: z.string().nullable(),
    reason: z.string().nullable(),
    claimants: z.array(
      z.object({
        username: z.string(),
        displayName: z.string(),
        identityStatus: z.enum(['provisional', 'confirmed', 'rejected']).nullable(),
        registeredAt: z.string(),
        active: z.boolean(),
        cases: z.record(z.string(), z.number().int()).openapi({ description: 'cases of the account per subject type (every installed process)' }),
        claims: z.number().int().openapi({ description: 'cases.nanxun_claim (kept name)' }),
        applications: z.number().int().openapi({ description: 'cases.title_application (kept name)' }),
      }),
    ),
  }),
);

export const ResolveDisputeBody = registry.register(
  'ResolveDisputeBody',
  z
    .object({ username: Username.openapi({ description: 'the account that holds the identity from now on' }), reason: z.string().trim().min(1).max(1000) })
    .strict(),
);

export const AccountImportReportView = registry.register(
  'AccountImportReport',
  z.object({
    dryRun: z.boolean(),
    imported: z.boolean().openapi({ description: 'whether the accounts were created (never on a dry run)' }),
    encoding: z.enum(['utf-8', 'gbk']),
    provider: z.string().openapi({ description: 'the provider the 浙政钉 account ids were linked at' }),
    ignoredColumns: z.array(z.string()),
    total: z.number().int(),
    counts: z.object({ created: z.number().int(), refused: z.number().int() }),
    rows: z.array(
      z.object({
        row: z.number().int(),
        action: z.enum(['created', 'refused']),
        username: z.string().nullable(),
        displayName: z.string().nullable(),
        orgCode: z.string().nullable(),
        roles: z.array(z.string()),
        zzdAccountId: z.string().nullable(),
        oneTimePasswordSentTo: z.string().nullable().openapi({ description: 'the masked mobile number the one-time password went to (once imported)' }),
        reasons: z.array(z.object({ code: z.string(), field: z.string(), value: z.string().optional(), message: z.string() })),
      }),
    ),
  }),
);
