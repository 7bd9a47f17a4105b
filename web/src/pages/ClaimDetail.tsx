import { useState, type HTMLAttributes } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Form, Input, Result, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { api, type Claim } from '../lib/api';
import { useLoad, useIsMobile } from '../lib/hooks';
import { claimKind, errorText, taskKind } from '../lib/labels';
import { fmt, fmtDate, yuan } from '../lib/time';
import { ResponsiveTable } from '../ResponsiveTable';
import { ClaimFormDescriptions, ClaimStatusTag, ClaimSteps, OpinionsView, TimelineView, PageTitle } from '../components';
import { useAuth } from '../auth';
import { MATERIAL_KIND, MaterialUploader, MaterialsPane, RatingCard, missingOf, type MaterialItem } from '../materials';

const INSTALMENT_STATUS: Record<string, string> = {
  pending: '未到期',
  scheduled: '未到期',
  released: '待核实',
  in_review: '审核中',
  awaiting_budget: '等待经费预算',
  paid: '已发放',
  cancelled: '不再发放',
  recovered: '已追回',
};
const INSTALMENT_COLOR: Record<string, string> = {
  paid: 'green',
  in_review: 'processing',
  released: 'processing',
  pending: 'blue',
  scheduled: 'blue',
  awaiting_budget: 'gold',
  recovered: 'magenta',
};

function NextStep({ claim }: { claim: Claim }) {
  const open = claim.tasks.find((t) => t.state === 'open');
  const paused = claim.tasks.find((t) => t.state === 'paused');
  if (paused) return null;
  if (claim.status === 'awaiting_next_instalment') {
    const next = claim.instalments.find((i) => i.status !== 'paid' && i.status !== 'cancelled');
    return (
      <Alert
        type="success"
        showIcon
        data-testid="awaiting-next"
        message={`已发放 ${yuan(claim.paidYuan)}${next ? `，第${next.year}年 ${yuan(next.amountYuan)} 待发放` : ''}`}
        description={claim.nextInstalmentDueOn ? `${fmtDate(claim.nextInstalmentDueOn)} 起随年度统一发放开始核实` : undefined}
      />
    );
  }
  if (claim.status === 'paid' || claim.status === 'completed')
    return <Alert type="success" showIcon message={`奖励已发放 ${yuan(claim.paidYuan)}，本申请已办结。`} data-testid="claim-done" />;
  if (claim.status === 'rejected') return <Alert type="error" showIcon message="申请未予核准" description={claim.closeReason ?? undefined} />;
  if (claim.status === 'clawed_back') return <Alert type="error" showIcon message="已全额追回奖励" description={claim.closeReason ?? undefined} />;
  if (open) {
    const org =
      open.kind === 'unit_verification'
        ? claim.employer.name
        : open.kind === 'bureau_review'
          ? '南浔区应急管理局'
          : open.kind === 'rereview'
            ? claim.rereviewOrg.name
            : open.orgCode;
    return (
      <Alert
        type={open.overdue ? 'warning' : 'info'}
        showIcon
        message={`下一步：${org} ${taskKind(open.kind)}`}
        description={
          open.dueOn
            ? `应于 ${fmtDate(open.dueOn)} 前办结${open.workingDaysLeft != null ? `（剩 ${open.workingDaysLeft} 个工作日）` : ''}${open.overdue ? '，已逾期，系统已催办' : ''}${open.policy ? `。办结期限${open.policy.basis}` : ''}`
            : `${fmt(open.createdAt)} 收件`
        }
      />
    );
  }
  if (claim.status === 'payout') return <Alert type="info" showIcon message={`复审已通过，等待从${claim.rereviewOrg.name}专项经费发放。`} />;
  return null;
}

export function ClaimDetailPage() {
  const { id = '' } = useParams();
  const { has } = useAuth();
  const { message } = App.useApp();
  const mobile = useIsMobile();
  const claim = useLoad(() => api.get<Claim>(`/nanxun/claims/${encodeURIComponent(id)}`), [id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [files, setFiles] = useState<MaterialItem[]>([]);
  const c = claim.data;
  if (claim.loading && !c) return <Skeleton active />;
  if (claim.error || !c) return <Result status="404" title="未找到该申请" subTitle={errorText(claim.error)} />;
  const paused = c.tasks.find((t) => t.state === 'paused');
  const request = paused ? [...c.timeline].reverse().find((e) => e.event === 'supplement_requested') : undefined;
  const isApplicant = has('applicant');
  // what the reviewer named as missing (the request's details), to be answered with new files
  const asked = Array.isArray(request?.details?.missingKinds) ? (request!.details!.missingKinds as string[]) : [];

  const supplement = async (v: { comment: string }) => {
    const missing = missingOf(asked, files);
    if (missing.length) {
      setError(`请上传：${missing.map((k) => MATERIAL_KIND[k] ?? k).join('、')}`);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/nanxun/claims/${encodeURIComponent(c.id)}/supplement`, { comment: v.comment.trim(), materials: files.map((f) => f.id) });
      setFiles([]);
      message.success('补正材料已提交，审核继续进行');
      claim.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <PageTitle title={`申请 ${c.applicationNo}`}>{c.applicationNo}</PageTitle>
            <ClaimStatusTag status={c.status} />
            <Tag>{claimKind(c.kind)}</Tag>
          </Space>
          <Space>
            <Typography.Text>
              申请金额 <b>{yuan(c.amountYuan)}</b>　已发放 <b data-testid="paid-yuan">{yuan(c.paidYuan)}</b>
            </Typography.Text>
            {c.policy && (
              <Typography.Text type="secondary" data-testid="amount-basis">
                {c.policy.basis}
              </Typography.Text>
            )}
            <Link to={`/claims/${encodeURIComponent(c.id)}/print`} target="_blank">
              <Button icon={<PrinterOutlined />}>{mobile ? '打印' : '打印申请表'}</Button>
            </Link>
          </Space>
        </Space>
      </Card>
      <Card size="small" title="办理进度">
        <ClaimSteps claim={c} direction={mobile ? 'vertical' : 'horizontal'} />
        <div style={{ marginTop: 16 }}>
          <NextStep claim={c} />
        </div>
      </Card>
      {paused && (
        <Card size="small" title="补正材料" data-testid="supplement-card">
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message={`${taskKind(paused.kind)}要求补正材料${request?.orgName ? `（${request.orgName}）` : ''}`}
            description={
              <>
                <div>{request?.comment ?? '请按审核意见补正材料'}</div>
                {asked.length > 0 && <div data-testid="missing-kinds">需补交：{asked.map((k) => MATERIAL_KIND[k] ?? k).join('、')}</div>}
              </>
            }
          />
          {isApplicant ? (
            <Form layout="vertical" onFinish={supplement}>
              <Form.Item label="补正材料">
                <MaterialUploader kinds={asked} value={files} onChange={setFiles} showMissing />
              </Form.Item>
              <Form.Item name="comment" label="补正说明" rules={[{ required: true, whitespace: true, message: '请说明补正的材料' }, { max: 2000 }]}>
                <Input.TextArea rows={3} placeholder="如：已补交身份证复印件，证书编号更正为…" data-testid="supplement-comment" />
              </Form.Item>
              {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={busy} data-testid="supplement-submit">
                提交补正材料
              </Button>
            </Form>
          ) : (
            <Typography.Text type="secondary">等待申请人补正，办理时限暂停计算。</Typography.Text>
          )}
        </Card>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={c.kind === 'shortage_talent' ? '申请表（附件2-2）' : '申请表（附件2-1）'}>
              <ClaimFormDescriptions claim={c} />
            </Card>
            <Card size="small" title="申请材料" data-testid="claim-materials">
              <MaterialsPane materials={c.materials} />
            </Card>
            <Card size="small" title="审核意见">
              <OpinionsView claim={c} />
            </Card>
            <Card size="small" title={c.instalments.length > 1 ? `奖励发放（分${c.instalments.length}年）` : '奖励发放'} data-testid="instalment-plan">
              {c.instalments.length > 1 && (
                <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
                  {c.instalments.map((i) => `第${i.year}年 ${yuan(i.amountYuan)}`).join('，')}
                  。第二、三年的奖励在上一期发放满一年后，经单位核实（仍在合同期内、社保个税正常缴纳）、区应急管理局初审和行业主管部门复审后发放；离职或单位不予确认的，该期及以后各期不再发放。
                </Typography.Paragraph>
              )}
              <ResponsiveTable
                size="small"
                rowKey="year"
                pagination={false}
                dataSource={c.instalments}
                scroll={{ x: 420 }}
                onRow={(i) => ({ 'data-year': String(i.year) }) as HTMLAttributes<HTMLElement>}
                columns={[
                  { title: '期次', dataIndex: 'year', render: (y: number) => (c.instalments.length > 1 ? `第${y}年` : `第${y}期`) },
                  { title: '金额', dataIndex: 'amountYuan', render: (n: number) => yuan(n) },
                  {
                    title: '状态',
                    dataIndex: 'status',
                    render: (st: string) => <Tag color={INSTALMENT_COLOR[st] ?? 'default'}>{INSTALMENT_STATUS[st] ?? st}</Tag>,
                  },
                  {
                    title: '预计核实日期',
                    dataIndex: 'dueOn',
                    render: (v: string | null | undefined, i) => (i.status === 'paid' ? '—' : v ? fmtDate(v) : i.year > 1 ? '上一期发放满一年' : '—'),
                  },
                  { title: '发放时间', dataIndex: 'paidAt', render: (v: string | null) => fmt(v) },
                ]}
              />
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            {isApplicant && c.closedAt && (
              <Card size="small" title="服务评价（好差评）" data-testid="rating-card">
                <RatingCard subjectType="nanxun_claim" subjectId={c.id} />
              </Card>
            )}
            <Card size="small" title="办理记录">
              <TimelineView entries={c.timeline} />
            </Card>
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
