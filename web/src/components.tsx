import { useEffect, type HTMLAttributes, type ReactNode } from 'react';
import { Descriptions, Empty, Space, Steps, Tag, Timeline, Tooltip, Typography } from 'antd';
import { ClockCircleOutlined, ExclamationCircleOutlined, WarningOutlined } from '@ant-design/icons';
import type { Claim, Task, TimelineEntry } from './lib/api';
import {
  CLAIM_STATUS_COLOR,
  EMPLOYER_NATURE,
  TASK_STATE_COLOR,
  claimKind,
  claimStatus,
  decision,
  event,
  level,
  stage,
  taskKind,
  taskState,
} from './lib/labels';
import { fmt, fmtDate, yuan } from './lib/time';
import { MATERIAL_KIND } from './materials';

/** The unit's approve/reject reads 属实 / 不属实 on the form; every other stage 核准 / 不核准. */
export function decisionAt(stageCode: string | null | undefined, d: string | null | undefined): string {
  if ((stageCode === 'unit_verification' || stageCode === 'instalment_verification') && (d === 'approve' || d === 'reject'))
    return d === 'approve' ? '属实' : '不属实';
  return decision(d);
}

export const uid = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto && window.isSecureContext
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;

export function ClaimStatusTag({ status }: { status: string }) {
  return (
    <Tag color={CLAIM_STATUS_COLOR[status] ?? 'default'} data-testid="claim-status">
      {claimStatus(status)}
    </Tag>
  );
}

export function TaskStateTag({ state }: { state: string }) {
  return <Tag color={TASK_STATE_COLOR[state] ?? 'default'}>{taskState(state)}</Tag>;
}

/** 限时办结 marks: overdue (逾期 · 催办), warning (即将到期), or the working days left. */
export function DueMark({ task }: { task: Pick<Task, 'state' | 'dueOn' | 'dueAt' | 'dueProvisional' | 'workingDaysLeft' | 'warning' | 'overdue'> }) {
  if (task.state !== 'open' && task.state !== 'paused') return null;
  if (!task.dueOn && !task.dueAt) return <Typography.Text type="secondary">不限时</Typography.Text>;
  const prov = task.dueProvisional ? (
    <Tooltip title="该年度法定节假日尚未公布，暂按周末计算，公布后自动重算">
      <Tag>暂定</Tag>
    </Tooltip>
  ) : null;
  if (task.state === 'paused') return <Tag color="warning">待补正 · 计时暂停</Tag>;
  if (task.overdue)
    return (
      <Space size={2} wrap>
        <Tag color="error" icon={<ExclamationCircleOutlined />} data-testid="mark-overdue">
          已逾期{task.workingDaysLeft != null && task.workingDaysLeft < 0 ? ` ${-task.workingDaysLeft} 个工作日` : ''} · 催办
        </Tag>
        {prov}
      </Space>
    );
  const left = task.workingDaysLeft;
  return (
    <Space size={2} wrap>
      {task.warning ? (
        <Tag color="warning" icon={<WarningOutlined />} data-testid="mark-warning">
          即将到期 · 剩 {left ?? '?'} 个工作日
        </Tag>
      ) : (
        <Tag color="blue" icon={<ClockCircleOutlined />}>
          剩 {left ?? '?'} 个工作日
        </Tag>
      )}
      {prov}
    </Space>
  );
}

/** the person, without their organisation when the name repeats it (浙江南浔精工机械有限公司·审核员 → 审核员) */
export function actorShown(e: Pick<TimelineEntry, 'actor' | 'actorName' | 'orgName'>): string {
  if (e.actor === SYSTEM_ACTOR) return '';
  const name = (e.actorName ?? '').trim();
  if (!name) return '';
  if (e.orgName && name.startsWith(e.orgName)) return name.slice(e.orgName.length).replace(/^[\s·・.\-—]+/, '');
  return name;
}

/** a clerk's opinion on a decision; the system's own notes (a payout, a deadline) are not opinions */
const isOpinion = (e: TimelineEntry): boolean => !!e.decision && e.actor !== SYSTEM_ACTOR;

/** the actor of the workflow's own timeline entries (platform/timeline/timeline.ts) */
export const SYSTEM_ACTOR = 'system';

export function TimelineView({ entries }: { entries: TimelineEntry[] }) {
  if (!entries.length) return <Empty description="暂无记录" />;
  const color = (e: TimelineEntry) =>
    e.event === 'escalated_overdue' || e.decision === 'reject' || e.event === 'rejected'
      ? 'red'
      : e.event === 'deadline_warning' || e.event === 'supplement_requested'
        ? 'orange'
        : e.event === 'paid' || e.event === 'closed_paid'
          ? 'green'
          : 'blue';
  return (
    <Timeline
      items={entries.map((e, i) => ({
        key: i,
        color: color(e),
        children: (
          <div>
            <Space wrap size={4}>
              <Typography.Text strong>{stage(e.stage)}</Typography.Text>
              <span>{event(e.event)}</span>
              {e.decision && (
                <Tag color={e.decision === 'approve' ? 'green' : e.decision === 'reject' ? 'red' : 'orange'}>{decisionAt(e.stage, e.decision)}</Tag>
              )}
            </Space>
            <div style={{ color: '#595959', fontSize: 13 }} data-testid="timeline-who">
              {[fmt(e.at), e.orgName, actorShown(e)].filter(Boolean).join(' · ')}
            </div>
            {e.comment && <div style={{ marginTop: 2 }}>{isOpinion(e) ? `意见：${e.comment}` : e.comment}</div>}
            {Array.isArray(e.details?.missingKinds) && (
              <div style={{ marginTop: 2 }}>需补交：{(e.details!.missingKinds as string[]).map((k) => MATERIAL_KIND[k] ?? k).join('、')}</div>
            )}
            {Array.isArray(e.details?.materials) && (
              <div style={{ marginTop: 2, color: '#666', fontSize: 13 }} data-testid="timeline-materials">
                办理时材料：{(e.details!.materials as { kind: string }[]).length} 份（
                {[...new Set((e.details!.materials as { kind: string }[]).map((m) => MATERIAL_KIND[m.kind] ?? m.kind))].join('、')}）
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}

export const NANXUN_STEPS = ['unit_verification', 'bureau_review', 'rereview', 'payout'] as const;

/** 单位审核 → 区应急管理局初审 → 复审 → 发放: who, when, what they decided, and what is next with its due date. */
export function ClaimSteps({ claim, direction }: { claim: Claim; direction?: 'horizontal' | 'vertical' }) {
  const orgOf: Record<string, string> = {
    unit_verification: claim.employer.name,
    bureau_review: '南浔区应急管理局',
    rereview: claim.rereviewOrg.name,
    payout: `${claim.rereviewOrg.name}专项经费`,
  };
  const titles: Record<string, string> = { unit_verification: '单位审核', bureau_review: '区应急管理局初审', rereview: '复审', payout: '发放' };
  const finished = ['paid', 'completed', 'awaiting_next_instalment'].includes(claim.status);
  const currentIdx = finished ? NANXUN_STEPS.length : Math.max(0, NANXUN_STEPS.indexOf(claim.stage as (typeof NANXUN_STEPS)[number]));
  const rejected = claim.status === 'rejected' || claim.status === 'clawed_back';
  const latest = (kind: string) =>
    [...claim.tasks].reverse().find((t) => t.kind === kind || (kind === 'unit_verification' && t.kind === 'instalment_verification'));
  const paidAt = claim.instalments.find((i) => i.paidAt)?.paidAt;

  const items = NANXUN_STEPS.map((s, i) => {
    const t = latest(s);
    let status: 'wait' | 'process' | 'finish' | 'error' = i < currentIdx ? 'finish' : i === currentIdx ? 'process' : 'wait';
    if (rejected && i === currentIdx) status = 'error';
    if (finished) status = 'finish';
    const lines: string[] = [orgOf[s] ?? ''];
    if (s === 'payout') {
      if (paidAt) lines.push(`${fmt(paidAt)} 已发放 ${yuan(claim.paidYuan)}`);
      else if (status === 'process') lines.push('待发放');
    } else if (t && (t.state === 'done' || t.state === 'cancelled')) {
      lines.push(`${fmt(t.decidedAt)} ${decisionAt(t.kind, t.decision)}`);
      if (t.comment) lines.push(`意见：${t.comment}`);
    } else if (t && t.state === 'paused') {
      lines.push('等待申请人补正材料');
    } else if (t && t.state === 'open') {
      lines.push(`办理中，${t.dueOn ? `限 ${fmtDate(t.dueOn)} 前办结` : '已收件'}${t.workingDaysLeft != null ? `（剩 ${t.workingDaysLeft} 个工作日）` : ''}`);
    }
    if (rejected && i === currentIdx && claim.closeReason) lines.push(claim.closeReason);
    return {
      title: titles[s],
      status,
      description: (
        <div style={{ fontSize: 12 }}>
          {lines.filter(Boolean).map((l) => (
            <div key={l}>{l}</div>
          ))}
        </div>
      ),
    };
  });
  return <Steps direction={direction} size="small" items={items} data-testid="claim-steps" />;
}

/** The 附件2-1 / 附件2-2 fields as the paper form has them. */
export function ClaimFormDescriptions({ claim, column }: { claim: Claim; column?: number }) {
  const f = claim.form as Record<string, unknown> & {
    certificate?: { number?: string; level?: string; issuedOn?: string; receivedOn?: string };
    employment?: { since?: string; contractYears?: number; socialSecurityMonths?: number; firstIntroduction?: boolean };
    previousAwards?: string[];
    declaration?: { accepted?: boolean; at?: string };
  };
  const nature = f.employerNature
    ? `${EMPLOYER_NATURE[String(f.employerNature)] ?? f.employerNature}${f.employerNatureOther ? `（${String(f.employerNatureOther)}）` : ''}`
    : '—';
  return (
    <Descriptions bordered size="small" column={column ?? { xs: 1, sm: 1, md: 1, lg: 1, xl: 2, xxl: 2 }}>
      <Descriptions.Item label="申请编号">
        <span className="nowrap">{claim.applicationNo}</span>
      </Descriptions.Item>
      <Descriptions.Item label="申请类别">{claimKind(claim.kind)}</Descriptions.Item>
      <Descriptions.Item label="姓名">{claim.applicant.name}</Descriptions.Item>
      <Descriptions.Item label="身份证号码">
        <span className="nowrap" data-testid="detail-id-number">
          {claim.applicant.idNumber}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label="工作单位">{claim.employer.name}</Descriptions.Item>
      <Descriptions.Item label="职务">{String(f.position ?? '—')}</Descriptions.Item>
      <Descriptions.Item label="单位性质">{nature}</Descriptions.Item>
      <Descriptions.Item label="工作单位地址">{String(f.employerAddress ?? '—')}</Descriptions.Item>
      <Descriptions.Item label="单位电话">
        <span className="nowrap">{String(f.employerPhone ?? '—')}</span>
      </Descriptions.Item>
      <Descriptions.Item label="手机号码">
        <span className="nowrap" data-testid="detail-phone">
          {claim.applicant.phone || '—'}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label="证书编号">
        <span className="nowrap">{f.certificate?.number ?? '—'}</span>
      </Descriptions.Item>
      <Descriptions.Item label="证书级别">{level(f.certificate?.level ?? String(f.level ?? ''))}</Descriptions.Item>
      <Descriptions.Item label="发证日期">{fmtDate(f.certificate?.issuedOn)}</Descriptions.Item>
      <Descriptions.Item label="领取日期">{fmtDate(f.certificate?.receivedOn)}</Descriptions.Item>
      {f.employment && (
        <>
          <Descriptions.Item label="入职日期">{fmtDate(f.employment.since)}</Descriptions.Item>
          <Descriptions.Item label="合同期限">{f.employment.contractYears ?? '—'} 年</Descriptions.Item>
          <Descriptions.Item label="社保个税缴纳">{f.employment.socialSecurityMonths ?? '—'} 个月</Descriptions.Item>
          <Descriptions.Item label="企业首次引入">{f.employment.firstIntroduction ? '是' : '否'}</Descriptions.Item>
        </>
      )}
      <Descriptions.Item label="已申请奖励">
        {f.previousAwards?.length ? f.previousAwards.map((l) => `已申请${level(l)}奖励`).join('、') : '无申请任何奖励'}
      </Descriptions.Item>
      <Descriptions.Item label="申请金额">{yuan(claim.amountYuan)}</Descriptions.Item>
      <Descriptions.Item label="申请人声明" span={2}>
        {f.declaration?.accepted ? `已声明所填内容及资料属实，未向其他部门申请过同类奖励（${fmt(f.declaration.at)}）` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label="提交时间">{fmt(claim.submittedAt)}</Descriptions.Item>
      <Descriptions.Item label="复审单位">{claim.rereviewOrg.name}</Descriptions.Item>
    </Descriptions>
  );
}

/** 审核意见 so far: the decisions recorded on the timeline, stage by stage. */
export function OpinionsView({ claim }: { claim: Claim }) {
  const decided = claim.timeline.filter((e) => e.event === 'decided' || (e.decision && e.event !== 'task_opened'));
  if (!decided.length) return <Typography.Text type="secondary">尚无审核意见</Typography.Text>;
  return (
    <Descriptions bordered size="small" column={1}>
      {decided.map((e) => (
        <Descriptions.Item key={`${e.stage}-${e.at}`} label={`${stage(e.stage)}意见`}>
          <Space wrap size={4}>
            <Tag color={e.decision === 'approve' ? 'green' : e.decision === 'reject' ? 'red' : 'orange'}>{decisionAt(e.stage, e.decision)}</Tag>
            <span>{e.orgName}</span>
            <span>{actorShown(e)}</span>
            <Typography.Text type="secondary">{fmt(e.at)}</Typography.Text>
          </Space>
          {e.comment && <div>{e.comment}</div>}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

export { taskKind };

/** The page's one level-one heading; it also names the browser tab. */
export function PageTitle({ children, title, ...rest }: { children: ReactNode; title?: string } & HTMLAttributes<HTMLHeadingElement>) {
  const text = title ?? (typeof children === 'string' ? children : undefined);
  useEffect(() => {
    if (text) document.title = `${text} · 安全生产人才激励与职称评审`;
  }, [text]);
  return (
    <h1 className="page-title" {...rest}>
      {children}
    </h1>
  );
}
