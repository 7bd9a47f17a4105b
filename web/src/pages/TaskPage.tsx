import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Radio, Result, Row, Select, Skeleton, Space, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { api, type Claim, type Task } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { LEVEL, LEVEL_AMOUNT, claimStatus, decision as decisionLabel, errorText, level, taskKind } from '../lib/labels';
import { fmt, fmtDate, yuan } from '../lib/time';
import { ClaimFormDescriptions, ClaimStatusTag, ClaimSteps, DueMark, OpinionsView, TaskStateTag, TimelineView, uid, PageTitle } from '../components';
import { CATEGORY, CHANNEL, CLAIM_KIND, CLAIM_STATUS, SESSION_STATUS as SESSION_PHASE, STAGE, TITLE_LEVEL } from '../lib/labels';
import { MATERIAL_KIND, MaterialsPane } from '../materials';

interface DecisionForm {
  decision: 'approve' | 'reject' | 'request_supplement';
  missingKinds?: string[];
  verdict?: 'true' | 'not_true' | 'no_record';
  confirmedLevel?: string;
  amountYuan?: number;
  comment?: string;
}

/** How each title-review step words approve / reject (TITLE_SUPPLEMENT_KINDS may also ask for materials, 补正). */
const TITLE_SUPPLEMENT_KINDS = ['competent_dept_review', 'qualification_review'];
const TITLE_DECISIONS: Record<string, [string, string]> = {
  unit_recommendation: ['同意推荐（材料真实，政治表现、廉洁自律、道德品行良好）', '不予推荐'],
  competent_dept_review: ['审核通过', '审核不通过'],
  lower_committee_recommendation: ['同意推荐', '不予推荐'],
  qualification_review: ['资格审查通过', '资格审查不通过'],
  hrss_approval: ['核准评审工作方案', '不予核准'],
  objection_investigation: ['异议成立', '异议不成立'],
};

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

function GenericSubject({ summary }: { summary: Record<string, unknown> }) {
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
function TitleSubject({ summary }: { summary: Record<string, unknown> }) {
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
    </Space>
  );
}

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
  if (task.error || !t) return <Result status="warning" title="无法打开此任务" subTitle={errorText(task.error)} extra={<Link to="/tasks">返回待办</Link>} />;

  const submit = async (v: DecisionForm) => {
    const body: Record<string, unknown> = { decision: v.decision };
    if (v.comment?.trim()) body.comment = v.comment.trim();
    if (v.decision === 'request_supplement' && v.missingKinds?.length) body.missingKinds = v.missingKinds;
    if (t.kind === 'unit_verification' && v.decision !== 'request_supplement') {
      body.verdict = v.verdict;
      body.decision = v.verdict === 'true' ? 'approve' : 'reject';
      if (v.verdict === 'true' && v.confirmedLevel) body.confirmedLevel = v.confirmedLevel;
    }
    if (t.kind === 'rereview' && v.decision === 'approve' && v.amountYuan) body.amountYuan = v.amountYuan;
    const words = t.kind === 'unit_verification' && body.verdict ? `申请人资料${decisionLabel(String(body.verdict))}` : decisionLabel(String(body.decision));
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
          const r = await api.post<{ task: Task; subject: { status: string; stage: string } }>(`/tasks/${encodeURIComponent(t.id)}/decision`, body, {
            headers: { 'Idempotency-Key': idemKey.current },
          });
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

  const isUnit = t.kind === 'unit_verification';
  const titleWords = t.subject.type === 'nanxun_claim' ? undefined : TITLE_DECISIONS[t.kind];
  const needComment =
    decisionValue === 'reject' || decisionValue === 'request_supplement' || (isUnit && verdict && verdict !== 'true') || t.kind === 'objection_investigation';

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Space wrap>
            <PageTitle data-testid="task-title" title={`${taskKind(t.kind)} · ${t.subject.ref}`}>
              {taskKind(t.kind)} · {t.subject.ref}
            </PageTitle>
            <TaskStateTag state={t.state} />
            {c && <ClaimStatusTag status={c.status} />}
          </Space>
          <Space wrap>
            <DueMark task={t} />
            {c && (
              <Link to={`/claims/${encodeURIComponent(c.id)}/print`} target="_blank">
                <Button icon={<PrinterOutlined />}>打印申请表</Button>
              </Link>
            )}
          </Space>
        </Space>
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }} style={{ marginTop: 12 }}>
          <Descriptions.Item label="收件时间">{fmt(t.createdAt)}</Descriptions.Item>
          <Descriptions.Item label="办结期限">{t.dueOn ? `${fmtDate(t.dueOn)}${t.dueProvisional ? '（暂定）' : ''}` : '不限时'}</Descriptions.Item>
          {t.decidedAt && <Descriptions.Item label="办理时间">{fmt(t.decidedAt)}</Descriptions.Item>}
          {t.decision && <Descriptions.Item label="办理结果">{decisionLabel(t.decision)}</Descriptions.Item>}
        </Descriptions>
      </Card>
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
                  {isUnit ? (
                    <>
                      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
                        已收到申请人身份证复印件、《中华人民共和国注册安全工程师职业资格证书》复印件，并与原件核对。
                      </Typography.Paragraph>
                      <Form.Item name="decision" label="办理方式">
                        <Radio.Group
                          optionType="button"
                          options={[
                            { value: 'approve', label: '出具核实意见' },
                            { value: 'request_supplement', label: '要求补正材料' },
                          ]}
                        />
                      </Form.Item>
                      {decisionValue !== 'request_supplement' && (
                        <>
                          <Form.Item name="verdict" label="申请人资料" rules={[{ required: true }]}>
                            <Radio.Group>
                              <Space direction="vertical">
                                <Radio value="true" data-testid="verdict-true">
                                  属实
                                </Radio>
                                <Radio value="not_true">不属实</Radio>
                                <Radio value="no_record">暂无该证书信息</Radio>
                              </Space>
                            </Radio.Group>
                          </Form.Item>
                          {verdict === 'true' && (
                            <Form.Item
                              name="confirmedLevel"
                              label="级别属"
                              rules={[{ required: true, message: '请确认证书级别' }]}
                              extra={claimLevel && `申请人填报：${level(claimLevel)}`}
                            >
                              <Select options={Object.entries(LEVEL).map(([value, label]) => ({ value, label: `${label}职称` }))} />
                            </Form.Item>
                          )}
                        </>
                      )}
                    </>
                  ) : titleWords ? (
                    <Form.Item name="decision" label={t.kind === 'objection_investigation' ? '调查结论' : '审核结论'} rules={[{ required: true }]}>
                      <Radio.Group>
                        <Space direction="vertical">
                          <Radio value="approve" data-testid="decision-approve">
                            {titleWords[0]}
                          </Radio>
                          <Radio value="reject" data-testid="decision-reject">
                            {titleWords[1]}
                          </Radio>
                          {TITLE_SUPPLEMENT_KINDS.includes(t.kind) && (
                            <Radio value="request_supplement" data-testid="decision-supplement">
                              要求补正材料（暂停办理时限）
                            </Radio>
                          )}
                        </Space>
                      </Radio.Group>
                    </Form.Item>
                  ) : (
                    <Form.Item name="decision" label="审核结论" rules={[{ required: true }]}>
                      <Radio.Group>
                        <Space direction="vertical">
                          <Radio value="approve" data-testid="decision-approve">
                            予以核准
                          </Radio>
                          <Radio value="reject" data-testid="decision-reject">
                            不予核准
                          </Radio>
                          <Radio value="request_supplement" data-testid="decision-supplement">
                            要求补正材料
                          </Radio>
                        </Space>
                      </Radio.Group>
                    </Form.Item>
                  )}
                  {t.kind === 'rereview' && decisionValue === 'approve' && (
                    <Form.Item
                      name="amountYuan"
                      label="同意申领金额（元）"
                      rules={[{ required: true, message: '请填写金额' }]}
                      extra={
                        current
                          ? `第${current.year}年奖励：${yuan(amount)}（共${c!.instalments.length}年 ${yuan(c!.amountYuan)}）`
                          : `按${level(claimLevel)}标准：${yuan(amount)}`
                      }
                    >
                      <InputNumber min={1} step={1000} precision={0} style={{ width: '100%' }} addonAfter="元" />
                    </Form.Item>
                  )}
                  {decisionValue === 'request_supplement' && (
                    <Form.Item name="missingKinds" label="需补交的文件" extra="申请人须按所选类别上传新文件">
                      <Select
                        mode="multiple"
                        allowClear
                        aria-label="需补交的文件"
                        data-testid="missing-kinds"
                        options={Object.entries(MATERIAL_KIND).map(([value, label]) => ({ value, label }))}
                      />
                    </Form.Item>
                  )}
                  <Form.Item
                    name="comment"
                    label={decisionValue === 'request_supplement' ? '需补正的材料' : t.kind === 'objection_investigation' ? '调查核实情况' : '意见'}
                    rules={[
                      {
                        required: !!needComment,
                        message:
                          decisionValue === 'request_supplement'
                            ? '请写明需要补正的材料'
                            : t.kind === 'objection_investigation'
                              ? '请写明调查核实情况'
                              : '请填写理由',
                      },
                      { max: 2000 },
                    ]}
                  >
                    <Input.TextArea
                      rows={3}
                      placeholder={t.kind === 'bureau_review' ? '如：申请人已有同类同级别证书的补贴或奖励记录' : '审核意见'}
                      data-testid="decision-comment"
                    />
                  </Form.Item>
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
