/** The subject of a task that is not a Nanxun claim (those show the claim itself), in words. */
import { Alert, Descriptions, Space, Typography } from 'antd';
import { fmt, fmtDate, yuan } from '../../lib/time';
import { TitlePolicyBasis, type TitlePolicy } from '../titleReview/PolicyBasis';
import { CATEGORY, CHANNEL, CLAIM_KIND, CLAIM_STATUS, SESSION_STATUS as SESSION_PHASE, STAGE, TITLE_LEVEL } from '../../lib/labels';

const SUMMARY_LABEL: Record<string, string> = {
  applicationNo: '申请编号',
  applicantName: '申报人',
  applicantIdNumber: '身份证号码',
  sessionYear: '评审年度',
  year: '评审年度',
  meetingDate: '评审会议日期',
  level: '级别',
  category: '评审专业类别',
  channel: '申报渠道',
  status: '当前状态',
  stage: '当前环节',
  commitmentAt: '承诺时间',
};

/** a subject's fields that any task page can show, in words; other fields are not shown (never a raw key) */
const GENERIC_FIELDS: { key: string; label: string; show: (v: unknown) => string }[] = [
  { key: 'applicationNo', label: '申请编号', show: String },
  { key: 'applicantName', label: '申请人', show: String },
  { key: 'applicantIdNumber', label: '身份证号码', show: String },
  { key: 'kind', label: '申请类别', show: (v) => CLAIM_KIND[String(v)] ?? '—' },
  { key: 'status', label: '当前状态', show: (v) => CLAIM_STATUS[String(v)] ?? STAGE[String(v)] ?? '—' },
  { key: 'stage', label: '当前环节', show: (v) => STAGE[String(v)] ?? '—' },
  { key: 'employerName', label: '工作单位', show: String },
  { key: 'amountYuan', label: '申请金额', show: (v) => yuan(Number(v)) },
  { key: 'paidYuan', label: '已发放', show: (v) => yuan(Number(v)) },
  { key: 'submittedAt', label: '提交时间', show: (v) => fmt(String(v)) },
];

export function GenericSubject({ summary }: { summary: Record<string, unknown> }) {
  const rows = GENERIC_FIELDS.filter((f) => summary[f.key] !== undefined && summary[f.key] !== null && summary[f.key] !== '');
  if (!rows.length) return <Typography.Text type="secondary">暂无申报信息</Typography.Text>;
  return (
    <Descriptions bordered size="small" column={1} data-testid="generic-subject">
      {rows.map((f) => (
        <Descriptions.Item key={f.key} label={f.label}>
          {f.show(summary[f.key])}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** The subject of a title-review task in words (the title application or the session), with an objection's text. */
export function TitleSubject({ summary }: { summary: Record<string, unknown> }) {
  const v = (k: string, x: unknown): string => {
    if (x == null || x === '') return '—';
    if (k === 'level') return TITLE_LEVEL[String(x)] ?? String(x);
    if (k === 'category') return CATEGORY[String(x)] ?? String(x);
    if (k === 'channel') return CHANNEL[String(x)] ?? String(x);
    if (k === 'status' || k === 'stage') return STAGE[String(x)] ?? SESSION_PHASE[String(x)] ?? '—';
    if (k === 'meetingDate') return fmtDate(String(x));
    if (k.endsWith('At')) return fmt(String(x));
    return String(x);
  };
  const employer = summary.employer as { name?: string } | undefined;
  const materials = (summary.materials ?? {}) as Record<string, unknown>;
  const objection = summary.objection as { text?: string; filedAt?: string; filed_at?: string } | undefined;
  const apps = summary.applications as Record<string, number> | undefined;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {objection && <Alert type="warning" showIcon message="公示期间收到的异议" description={<span data-testid="objection-text">{objection.text}</span>} />}
      <Descriptions bordered size="small" column={1} data-testid="title-subject">
        {Object.entries(SUMMARY_LABEL)
          .filter(([k]) => summary[k] !== undefined)
          .map(([k, label]) => (
            <Descriptions.Item key={k} label={label}>
              {v(k, summary[k])}
            </Descriptions.Item>
          ))}
        {employer?.name && <Descriptions.Item label="工作单位">{employer.name}</Descriptions.Item>}
        {typeof materials.summary === 'string' && <Descriptions.Item label="主要业绩摘要">{materials.summary}</Descriptions.Item>}
        {apps && (
          <Descriptions.Item label="申报人员">
            {Object.entries(apps)
              .map(([st, n]) => `${STAGE[st] ?? '其他'} ${n} 人`)
              .join('；')}
          </Descriptions.Item>
        )}
      </Descriptions>
      {summary.policy ? <TitlePolicyBasis policy={summary.policy as TitlePolicy} /> : null}
    </Space>
  );
}
