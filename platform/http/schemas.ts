/**
 * Request and response schemas: the single source of both validation and the OpenAPI document.
 */
import { z } from 'zod';
import { registry } from './route';
import { isValidIdNumber, normalizeIdNumber } from '../identity/idNumber';
import { isValidDate } from '../calendar/workdays';
import { MATERIAL_KINDS } from '../materials/requirements';

export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(isValidDate, 'not a real calendar date')
  .openapi({ example: '2026-09-24', format: 'date' });

export const IdNumber = z
  .string()
  .trim()
  .transform(normalizeIdNumber)
  .refine(isValidIdNumber, 'not a valid 18-character resident ID number (check digit, birth date)')
  .openapi({ description: '居民身份证号码 (GB 11643-1999), check digit validated', example: '11010519491231002X' });

export const Phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,20}$/, 'a phone number')
  .openapi({ example: '13800000000' });
const Name = z.string().trim().min(1).max(50);

export const LoginBody = registry.register('LoginBody', z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict());

export const UserView = registry.register(
  'User',
  z.object({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    orgCode: z.string().nullable(),
    orgName: z.string().nullable().optional(),
  }),
);

/** the logged-in user, with their own identity (a person's forms are filled in from it) */
export const MeView = registry.register(
  'Me',
  UserView.extend({
    idNumber: z.string().nullable().openapi({ description: "the user's own ID number, in full (only ever shown to the person)" }),
    phone: z.string().nullable(),
    mustChangePassword: z
      .boolean()
      .openapi({ description: 'a one-time password is in use: every route but POST /api/v1/auth/password answers 403 PASSWORD_CHANGE_REQUIRED' }),
    identityStatus: z
      .enum(['provisional', 'confirmed', 'rejected'])
      .nullable()
      .openapi({ description: "applicants: the binding of the account to its ID number (docs/security.md 'Identity binding'); null for staff" }),
  }),
);

export const LoginResult = registry.register(
  'LoginResult',
  z.object({
    token: z.string().openapi({ description: 'bearer token naming a server-side session (no roles, ID number or phone inside)' }),
    user: UserView,
    mustChangePassword: z
      .boolean()
      .openapi({ description: 'true after an administrator set a one-time password: change it with POST /api/v1/auth/password before anything else' }),
  }),
);

export const RegisterBody = registry.register(
  'RegisterBody',
  z
    .object({
      username: z
        .string()
        .trim()
        .min(3)
        .max(50)
        .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
      password: z.string().min(1).max(200).openapi({ description: 'at least 8 characters, not guessable (else 422 WEAK_PASSWORD)' }),
      name: Name,
      idNumber: IdNumber,
      phone: Phone,
    })
    .strict(),
);

export const ApplicantInput = z.object({ name: Name, idNumber: IdNumber, phone: Phone }).strict();

/** ids of uploaded materials (POST /api/v1/materials) to attach */
export const MaterialIds = z.array(z.string().trim().min(1).max(64)).max(40);

/** The policy edition and clause an amount or a deadline comes from (platform/policy). */
export const PolicyBasisView = z
  .object({ editionId: z.string(), title: z.string(), parameter: z.string(), clause: z.string(), basis: z.string() })
  .openapi({ description: '依据: the edition and clause, e.g. 依据《…》二、激励内容（一），2019版' });

export const TaskView = registry.register(
  'Task',
  z.object({
    id: z.string(),
    kind: z.string(),
    state: z.enum(['open', 'paused', 'done', 'cancelled']),
    subject: z.object({ type: z.string(), id: z.string(), ref: z.string() }),
    orgCode: z.string(),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    dueOn: z.string().nullable(),
    dueProvisional: z.boolean(),
    dueCalendar: z.unknown().nullable(),
    policy: PolicyBasisView.nullable().optional(),
    workingDaysLeft: z.number().int().nullable(),
    warning: z.boolean(),
    overdue: z.boolean(),
    decision: z.string().nullable().optional(),
    decidedAt: z.string().nullable().optional(),
    decidedBy: z.string().nullable().optional(),
    comment: z.string().nullable().optional(),
  }),
);

export const TaskQuery = z.object({
  state: z.enum(['open', 'done', 'paused', 'cancelled', 'all']).default('open'),
  kind: z.string().max(64).optional(),
  q: z.string().max(64).optional().openapi({ description: 'application number or applicant name' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/**
 * What every decision takes (POST /api/v1/tasks/:id/decision); each installed domain adds the fields its tasks take
 * (DomainPlugin.decisionFields) and platform/tasks/decisionBody.ts makes the one strict schema of them.
 */
export const decisionBaseFields = {
  decision: z.enum(['approve', 'reject', 'request_supplement']),
  comment: z.string().trim().max(2000).optional(),
  missingKinds: z.array(z.enum(MATERIAL_KINDS)).max(MATERIAL_KINDS.length).optional().openapi({
    description: 'request_supplement: the materials the applicant must send (id_card, certificate, contract, social_insurance, tax, achievement, other)',
  }),
  applicationId: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'objection_investigation (approve = objection upheld): the publicised applicant it concerns, when the objector named none' }),
};

/** A decision as the kernel sees it: the base fields and whatever fields the deciding domain takes. */
export type DecisionInputBody = {
  decision: 'approve' | 'reject' | 'request_supplement';
  comment?: string;
  missingKinds?: string[];
} & Record<string, unknown>;

export const SubjectStateView = z.object({ status: z.string(), stage: z.string() });
export const DecisionResult = registry.register('DecisionResult', z.object({ task: TaskView, subject: SubjectStateView }));

export const SupplementBody = registry.register(
  'SupplementBody',
  z
    .object({
      comment: z.string().trim().max(2000).optional(),
      changes: z
        .record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()]))
        .optional()
        .openapi({ description: 'corrected form fields' }),
      materials: MaterialIds.optional().openapi({ description: 'new uploaded materials; they must cover the kinds the reviewer asked for (missingKinds)' }),
    })
    .strict(),
);

export const TimelineEntryView = z.object({
  stage: z.string(),
  orgCode: z.string().nullable(),
  orgName: z.string().nullable(),
  actor: z.string(),
  actorName: z.string().nullable(),
  event: z.string(),
  decision: z.string().nullable(),
  comment: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  at: z.string(),
});

export const ProgressQuery = z.object({
  applicationNo: z.string().trim().min(1).max(64),
  idLast6: z
    .string()
    .trim()
    .regex(/^[0-9]{5}[0-9Xx]$/, 'the last 6 characters of the ID number')
    .transform((s) => s.toUpperCase()),
});

export const ProgressView = registry.register(
  'Progress',
  z.object({
    applicationNo: z.string(),
    kind: z.string(),
    status: z.string(),
    stage: z.string(),
    submittedOn: z.string(),
    timeline: z.array(z.object({ stage: z.string(), orgName: z.string().nullable(), event: z.string(), decision: z.string().nullable(), at: z.string() })),
  }),
);

const CalendarDay = z.object({ date: DateString, name: z.string().trim().min(1).max(50) }).strict();
export const CalendarYearBody = registry.register(
  'CalendarYearBody',
  z.union([
    z.object({ source: z.literal('chinese-days') }).strict(),
    z.object({ holidays: z.array(CalendarDay).max(366), workdays: z.array(CalendarDay).max(366), source: z.string().trim().max(200).optional() }).strict(),
  ]),
);
