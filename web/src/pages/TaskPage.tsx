import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Form, Result, Row, Skeleton, Space } from 'antd';
import { api, type Claim, type Task } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { LEVEL_AMOUNT, claimStatus, decision as decisionLabel, errorText, taskKind } from '../lib/labels';
import { yuan } from '../lib/time';
import { ClaimFormDescriptions, ClaimSteps, OpinionsView, TimelineView, uid } from '../components';
import { CLAIM_STATUS, SESSION_STATUS as SESSION_PHASE, STAGE } from '../lib/labels';
import { MaterialsPane } from '../materials';
import { decisionBody, decisionWords, type DecisionForm } from './taskPage/decision';
import { DecisionFields } from './taskPage/DecisionFields';
import { GenericSubject, TitleSubject } from './taskPage/SubjectViews';
import { TaskHeader } from './taskPage/TaskHeader';

export function TaskPage() {
  const { id = '' } = useParams();
  const nav = useNavigate();
  const { modal, message } = App.useApp();
  const task = useLoad(() => api.get<Task>(`/tasks/${encodeURIComponent(id)}`), [id]);
  const t = task.data;
  const claim = useLoad(
    () => (t && t.subject.type === 'nanxun_claim' ? api.get<Claim>(`/nanxun/claims/${encodeURIComponent(t.subject.id)}`) : Promise.resolve(undefined)),
    [t?.subject.id, t?.state],
  );
  const [form] = Form.useForm<DecisionForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  /** what the workflow told the decider beyond the status (e.g. an approval that came too late): stays on the page */
  const [notice, setNotice] = useState<{ code: string; message: string }>();
  const idemKey = useRef(uid());
  const decisionValue = Form.useWatch('decision', form);
  const verdict = Form.useWatch('verdict', form);

  const summary = (t?.subjectSummary ?? {}) as Record<string, unknown>;
  const c = claim.data;
  const claimLevel = String(c?.form.level ?? summary.level ?? '');
  // a claim paid in instalments (紧缺人才奖励) is re-reviewed one year's instalment at a time
  const current = c && c.instalments.length > 1 ? c.instalments.find((i) => i.status === 'in_review') : undefined;
  const amount = Number(current?.amountYuan ?? c?.amountYuan ?? summary.amountYuan ?? LEVEL_AMOUNT[claimLevel] ?? 0);

  const initial = useMemo<DecisionForm>(
    () =>
      t?.kind === 'unit_verification'
        ? { decision: 'approve', verdict: 'true', confirmedLevel: claimLevel || undefined }
        : t?.kind === 'rereview'
          ? { decision: 'approve', amountYuan: amount || undefined }
          : { decision: 'approve' },
    [t?.kind, claimLevel, amount],
  );

  // the amount is known for sure once the claim has loaded (an instalment's, for a claim paid over years): the
  // form instance outlives a remount, so the proposed amount is set here unless the clerk already changed it
  useEffect(() => {
    if (t?.kind === 'rereview' && amount && !form.isFieldTouched('amountYuan')) form.setFieldValue('amountYuan', amount);
  }, [t?.kind, amount, form]);

  if (task.loading && !t) return <Skeleton active />;
  if (task.error || !t)
    return <Result status="warning" title={<h1>无法打开此任务</h1>} subTitle={errorText(task.error)} extra={<Link to="/tasks">返回待办</Link>} />;

  const submit = async (v: DecisionForm) => {
    const body = decisionBody(t, v);
    const words = decisionWords(t, body);
    modal.confirm({
      title: '确认提交审核意见？',
      content: (
        <div>
          <p>
            {taskKind(t.kind)}：<b>{words}</b>
            {body.amountYuan ? `，同意申领 ${yuan(Number(body.amountYuan))}` : ''}
          </p>
          {body.comment ? <p>意见：{String(body.comment)}</p> : null}
          <p style={{ color: '#595959' }}>提交后不可修改。</p>
        </div>
      ),
      okText: '确认提交',
      cancelText: '取消',
      onOk: async () => {
        setBusy(true);
        setError(undefined);
        try {
          const r = await api.post<{ task: Task; subject: { status: string; stage: string; notice?: { code: string; message: string } } }>(
            `/tasks/${encodeURIComponent(t.id)}/decision`,
            body,
            { headers: { 'Idempotency-Key': idemKey.current } },
          );
          if (r.subject.notice) {
            // not a toast that disappears: the decider must read what happens now
            setNotice(r.subject.notice);
            task.reload();
            return;
          }
          message.success(
            `已提交。当前状态：${CLAIM_STATUS[r.subject.status] ? claimStatus(r.subject.status) : (STAGE[r.subject.status] ?? SESSION_PHASE[r.subject.status] ?? '已更新')}`,
          );
          nav('/tasks');
        } catch (e) {
          setError(errorText(e));
          idemKey.current = uid();
        } finally {
          setBusy(false);
        }
      },
    });
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <TaskHeader t={t} c={c} />
      {notice ? (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="decision-notice"
          message={notice.code === 'APPROVAL_TOO_LATE' ? '已提交，但核准晚于期限' : '已提交'}
          description={
            <>
              <p>{notice.message}</p>
              <Link to="/tasks">返回待办</Link>
            </>
          }
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            {c ? (
              <>
                <Card size="small" title="办理进度">
                  <ClaimSteps claim={c} />
                </Card>
                <Card size="small" title={c.kind === 'shortage_talent' ? '申请表（附件2-2）' : '申请表（附件2-1）'}>
                  <ClaimFormDescriptions claim={c} />
                </Card>
                <Card size="small" title="已有审核意见">
                  <OpinionsView claim={c} />
                </Card>
              </>
            ) : (
              <Card size="small" title={t.subject.type === 'title_session' ? '评审会' : '申报信息'}>
                {claim.loading ? (
                  <Skeleton active />
                ) : t.subject.type.startsWith('title_') ? (
                  <TitleSubject summary={summary} />
                ) : (
                  <GenericSubject summary={summary} />
                )}
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={9}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title="审核意见" data-testid="decision-card">
              {t.state === 'open' ? (
                <Form<DecisionForm> form={form} layout="vertical" initialValues={initial} onFinish={submit} key={`${t.id}-${claimLevel}-${amount}`}>
                  <DecisionFields t={t} decisionValue={decisionValue} verdict={verdict} claimLevel={claimLevel} amount={amount} current={current} claim={c} />
                  {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="decision-error" />}
                  <Button type="primary" htmlType="submit" block loading={busy} data-testid="decision-submit">
                    提交
                  </Button>
                </Form>
              ) : t.state === 'paused' ? (
                <Alert type="warning" showIcon message="已要求申请人补正材料，补正后任务自动恢复，办理时限继续计算。" />
              ) : (
                <Alert
                  type="success"
                  showIcon
                  message={`已办理：${decisionLabel(t.decision)}${t.decidedBy ? `（${t.decidedBy}）` : ''}`}
                  description={t.comment}
                />
              )}
            </Card>
            <Card size="small" title="申请材料" data-testid="task-materials">
              <MaterialsPane materials={t.materials} />
            </Card>
            {c && (
              <Card size="small" title="办理记录">
                <TimelineView entries={c.timeline} />
              </Card>
            )}
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
