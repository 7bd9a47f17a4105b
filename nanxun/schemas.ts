/** Request and response schemas of the Nanxun claims: they validate and generate the OpenAPI document. */
import { z } from 'zod';
import { registry } from '../platform/http/route';
import { ApplicantInput, DateString, MaterialIds, Phone, PolicyBasisView, TaskView, TimelineEntryView } from '../platform/http/schemas';
import { CERTIFICATE_LEVELS, UNIT_VERDICTS } from './rules';
import { TITLE_LEVELS } from '../titleReview/rules';

export const CertificateInput = z
  .object({
    number: z.string().trim().min(1).max(64).openapi({ description: '证书编号' }),
    level: z.enum(CERTIFICATE_LEVELS).openapi({ description: '初级 junior / 中级 intermediate / 高级 senior' }),
    issuedOn: DateString.openapi({ description: '发证日期' }),
    receivedOn: DateString.openapi({ description: '证书领取日期' }),
  })
  .strict();

const claimCommon = {
  applicant: ApplicantInput.optional().openapi({ description: 'must be the logged-in applicant if given' }),
  employerOrgCode: z.string().trim().min(1).max(64),
  position: z.string().trim().max(100).optional().openapi({ description: '职务' }),
  employerNature: z.enum(['production', 'government', 'other']).optional().openapi({ description: '单位性质: 生产经营单位 / 政府部门 / 其他' }),
  employerNatureOther: z.string().trim().max(100).optional(),
  employerAddress: z.string().trim().max(200).optional(),
  employerPhone: Phone.optional(),
  declaration: z
    .boolean()
    .optional()
    .openapi({ description: '申请人声明: materials true, no similar award claimed elsewhere (submitting implies it; false is refused)' }),
  materials: MaterialIds.optional().openapi({
    description:
      'uploaded materials (POST /api/v1/materials) to attach: certificate claims need id_card + certificate; shortage_talent also contract, social_insurance, tax (else 422 MATERIALS_MISSING)',
  }),
};

export const EmploymentInput = z
  .object({
    since: DateString.openapi({ description: '入职日期' }),
    contractYears: z.number().int().min(0).max(50).openapi({ description: '劳动合同期限（年）' }),
    socialSecurityMonths: z.number().int().min(0).max(600).openapi({ description: '已缴纳社保和个税月数' }),
    firstIntroduction: z.boolean().openapi({ description: '企业首次引入的中级注册安全工程师' }),
  })
  .strict();

export const TitleInput = z
  .object({
    level: z.enum(TITLE_LEVELS).openapi({ description: 'senior 副高级 / professor 正高级' }),
    certificateNumber: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .openapi({ description: '职称证书编号 (for a title granted by the Zhejiang review: its verification code)' }),
    grantedOn: DateString.openapi({ description: '取得职称证书日期' }),
    socialSecurityMonths: z.number().int().min(0).max(600),
  })
  .strict();

export const ClaimBody = registry.register(
  'ClaimBody',
  z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('certificate').openapi({ description: '资格证书奖励' }),
        ...claimCommon,
        certificate: CertificateInput,
        previousAwards: z
          .array(z.enum(CERTIFICATE_LEVELS))
          .max(3)
          .optional()
          .openapi({ description: '已申请奖励 (levels already awarded elsewhere in this programme)' }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('shortage_talent').openapi({ description: '紧缺人才奖励 (附件2-2): 3,000 / 3,000 / 4,000 over three years' }),
        ...claimCommon,
        certificate: CertificateInput,
        employment: EmploymentInput,
      })
      .strict(),
    z
      .object({
        kind: z.literal('high_level').openapi({ description: '高层次人才奖励: 副高 15,000, 正高 30,000' }),
        ...claimCommon,
        title: TitleInput,
      })
      .strict(),
  ]),
);

export const ClaimCreated = registry.register(
  'ClaimCreated',
  z.object({ id: z.string(), applicationNo: z.string(), kind: z.string(), status: z.string(), stage: z.string(), amountYuan: z.number().int() }),
);

export const ClaimView = registry.register(
  'Claim',
  z.object({
    id: z.string(),
    applicationNo: z.string(),
    kind: z.string(),
    status: z.string(),
    stage: z.string(),
    amountYuan: z.number().int(),
    paidYuan: z.number().int(),
    applicant: z.object({ name: z.string(), idNumber: z.string(), phone: z.string() }),
    employer: z.object({ code: z.string(), name: z.string() }),
    rereviewOrg: z.object({ code: z.string(), name: z.string() }),
    form: z.record(z.string(), z.unknown()),
    submittedAt: z.string(),
    closedAt: z.string().nullable(),
    closeReason: z.string().nullable(),
    timeline: z.array(TimelineEntryView),
    instalments: z.array(
      z.object({
        year: z.number().int(),
        amountYuan: z.number().int(),
        status: z.string(),
        dueOn: z.string().nullable().optional(),
        paidAt: z.string().nullable().optional(),
        recoveredAt: z.string().nullable().optional(),
      }),
    ),
    nextInstalmentDueOn: z.string().nullable().openapi({ description: 'while awaiting_next_instalment: when the next instalment comes due' }),
    policy: PolicyBasisView.nullable().optional().openapi({ description: 'the edition the claim was submitted under and the clause of its amount (实体从旧)' }),
    tasks: z.array(TaskView),
    materials: z
      .array(
        z.object({
          id: z.string(),
          kind: z.string(),
          fileName: z.string(),
          contentType: z.string(),
          size: z.number().int(),
          attachedAt: z.string().nullable(),
        }),
      )
      .optional()
      .openapi({ description: 'the attached materials (GET /api/v1/materials/:id for the bytes)' }),
  }),
);

/** The fields a decision on a claim's tasks takes, besides the kernel's (platform/tasks/decisionBody.ts). */
export const claimDecisionFields = {
  verdict: z.enum(UNIT_VERDICTS).optional().openapi({ description: 'unit_verification: 属实 true / 不属实 not_true / 暂无该证书信息 no_record' }),
  confirmedLevel: z.enum(CERTIFICATE_LEVELS).optional().openapi({ description: 'unit_verification: the level the unit confirms' }),
  amountYuan: z.number().int().positive().optional().openapi({ description: 'rereview: the amount approved' }),
};
