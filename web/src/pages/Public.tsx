import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Collapse, Descriptions, Empty, Form, Input, Modal, Result, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { api, ApiError, type TimelineEntry } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { CATEGORY, CHANNEL, TITLE_LEVEL, claimKind, claimStatus, errorText, stage as stageLabel } from '../lib/labels';
import { dayjs, fmt, fmtDate, TZ } from '../lib/time';
import { ClaimStatusTag, TimelineView, PageTitle } from '../components';

interface Progress {
  applicationNo: string;
  kind: string;
  status: string;
  stage: string;
  submittedOn: string;
  timeline: TimelineEntry[];
}

const STEPS = ['unit_verification', 'bureau_review', 'rereview', 'payout'];
const STEP_TITLE: Record<string, string> = { unit_verification: '单位审核', bureau_review: '区应急管理局初审', rereview: '复审', payout: '发放' };

function PublicSteps({ p }: { p: Progress }) {
  const done = ['paid', 'completed', 'awaiting_next_instalment'].includes(p.status);
  const cur = done ? STEPS.length : Math.max(0, STEPS.indexOf(p.stage));
  const failed = p.status === 'rejected' || p.status === 'clawed_back';
  return (
    <Steps
      size="small"
      responsive
      items={[
        { title: '提交申请', status: 'finish' as const, description: fmtDate(p.submittedOn) },
        ...STEPS.map((s, i) => {
          const last = [...p.timeline].reverse().find((e) => e.stage === s && (e.decision || e.event === 'paid'));
          return {
            title: STEP_TITLE[s],
            status: (failed && i === cur ? 'error' : i < cur ? 'finish' : i === cur ? 'process' : 'wait') as 'error' | 'finish' | 'process' | 'wait',
            description: last ? fmt(last.at) : i === cur && !done ? '办理中' : undefined,
          };
        }),
      ]}
    />
  );
}

export function PublicProgressPage() {
  const [result, setResult] = useState<Progress>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const lookup = async (v: { applicationNo: string; idLast6: string }) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.get<Progress>('/public/progress', { query: { applicationNo: v.applicationNo.trim(), idLast6: v.idLast6.trim().toUpperCase() }, anonymous: true }));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'NOT_FOUND' ? '未查到与申请编号和身份证号后6位匹配的办件，请核对后重试。' : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>办件进度查询</PageTitle>}>
        <Form layout="inline" onFinish={lookup} style={{ rowGap: 12 }}>
          <Form.Item name="applicationNo" rules={[{ required: true, message: '请输入申请编号' }]}>
            <Input placeholder="申请编号，如 NX-ZS-2026-000001" style={{ width: 260 }} data-testid="public-application-no" />
          </Form.Item>
          <Form.Item name="idLast6" rules={[{ required: true, message: '请输入身份证号后6位' }, { pattern: /^[0-9]{5}[0-9Xx]$/, message: '身份证号后6位' }]}>
            <Input placeholder="身份证号后6位" maxLength={6} style={{ width: 160 }} data-testid="public-id-last6" />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={busy} data-testid="public-search">
            查询
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          查询结果只显示办理环节、办理单位和时间，不含姓名、证件号等个人信息。
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="warning" showIcon message={error} data-testid="public-error" />}
      {result && (
        <Card
          title={
            <Space wrap>
              {result.applicationNo}
              <ClaimStatusTag status={result.status} />
            </Space>
          }
          data-testid="public-result"
        >
          <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="事项">{claimKind(result.kind)}</Descriptions.Item>
            <Descriptions.Item label="当前环节">{stageLabel(result.stage)}</Descriptions.Item>
            <Descriptions.Item label="办理状态">{claimStatus(result.status)}</Descriptions.Item>
          </Descriptions>
          <PublicSteps p={result} />
          <div style={{ marginTop: 24 }}>
            <TimelineView entries={result.timeline} />
          </div>
        </Card>
      )}
    </Space>
  );
}

interface Notice {
  id: string;
  kind: string;
  title: string;
  startsAt: string;
  endsAt: string;
  entries: Record<string, unknown>[];
  /** the server's word on whether the publicity is running (it ends at 24:00 of the N-th working day, Asia/Shanghai) */
  open?: boolean;
  acceptsObjections?: boolean;
}

/** a notice entry's or a certificate's coded values in words */
const codeWords = (k: string, v: unknown): string => {
  const x = String(v);
  if (k === 'level') return TITLE_LEVEL[x] ?? x;
  if (k === 'category' || k === 'specialty') return CATEGORY[x] ?? x;
  if (k === 'channel') return CHANNEL[x] ?? x;
  return x;
};

const ENTRY_LABEL: Record<string, string> = { categoryName: '评审专业', name: '姓名', employer: '工作单位', employerName: '工作单位', orgName: '单位', category: '评审专业', level: '级别', channel: '申报渠道', applicationNo: '申请编号', result: '结果', title: '职称', specialty: '专业' };

export function PublicNoticesPage() {
  const { message } = App.useApp();
  const notices = useLoad(() => api.get<Notice[]>('/public/notices', { anonymous: true }), []);
  const [objecting, setObjecting] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ text: string; contact?: string; applicationId?: string }>();
  const now = dayjs();
  const notFound = notices.error instanceof ApiError && notices.error.status === 404;
  const submit = async (v: { text: string; contact?: string; applicationId?: string }) => {
    if (!objecting) return;
    setBusy(true);
    try {
      await api.post(`/public/notices/${encodeURIComponent(objecting.id)}/objections`, { text: v.text.trim(), ...(v.contact?.trim() ? { contact: v.contact.trim() } : {}), ...(v.applicationId ? { applicationId: v.applicationId } : {}) }, { anonymous: true });
      message.success('异议已提交，将由组织公示的单位调查核实');
      setObjecting(undefined);
      form.resetFields();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const list = notices.data ?? [];
  const objectable = (objecting?.entries ?? [])
    .filter((e) => typeof e.applicationId === 'string')
    .map((e) => ({ value: String(e.applicationId), label: [e.name, e.employer, e.applicationNo].filter(Boolean).join(' · ') }));
  return (
    <Card title={<PageTitle>公示公告</PageTitle>}>
      {notices.error && !notFound ? <Alert type="error" showIcon message={errorText(notices.error)} /> : null}
      {!notices.loading && !list.length ? <Empty description="暂无公示" /> : null}
      {notices.data && <Collapse
        defaultActiveKey={list.filter((n) => n.open ?? dayjs(n.endsAt).isAfter(now)).map((n) => n.id)}
        items={list.map((n) => {
          // the server decides (its clock, and a publicity closed by its process); this device's clock is a fallback
          const open = n.open ?? (dayjs(n.startsAt).isBefore(now) && dayjs(n.endsAt).isAfter(now));
          const objections = n.acceptsObjections ?? (open && n.kind !== 'misconduct');
          const keys = [...new Set(n.entries.flatMap((e) => Object.keys(e)))].filter((k) => typeof n.entries[0]?.[k] !== 'object' && !/id$/i.test(k) && !(k === 'category' && 'categoryName' in (n.entries[0] ?? {})));
          return {
            key: n.id,
            label: (
              <Space wrap data-testid="notice-title" data-notice-id={n.id}>
                <span>{n.title}</span>
                {open ? <Tag color="green">公示中</Tag> : <Tag>已结束</Tag>}
              </Space>
            ),
            extra: <span className="hide-mobile">{`${fmt(n.startsAt)} 至 ${fmt(n.endsAt)}`}</span>,
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Typography.Text type="secondary">
                  公示期：{fmt(n.startsAt)} 至 {fmt(n.endsAt)}（{TZ === 'Asia/Shanghai' ? '北京时间' : ''}）。公示期内对公示对象有异议的，可实名或匿名提出。
                </Typography.Text>
                <Table
                  size="small"
                  rowKey={(_, i) => String(i)}
                  pagination={false}
                  scroll={{ x: 500 }}
                  dataSource={n.entries}
                  columns={keys.map((k) => ({ title: ENTRY_LABEL[k] ?? k, dataIndex: k, render: (v: unknown) => (v == null ? '—' : codeWords(k, v)) }))}
                />
                {objections && (
                  <Button onClick={() => { form.resetFields(); setObjecting(n); }} data-testid="object-button">
                    提出异议
                  </Button>
                )}
              </Space>
            ),
          };
        })}
      />}
      <Modal title={`对“${objecting?.title ?? ''}”提出异议`} open={!!objecting} onCancel={() => setObjecting(undefined)} onOk={() => form.submit()} confirmLoading={busy} okText="提交" cancelText="取消">
        <Form form={form} layout="vertical" onFinish={submit}>
          {objectable.length > 0 && (
            <Form.Item name="applicationId" label="异议对象" rules={objectable.length > 1 ? [{ required: true, message: '请选择异议针对的公示对象' }] : []} initialValue={objectable.length === 1 ? objectable[0]!.value : undefined}>
              <Select options={objectable} placeholder="请选择公示对象" data-testid="objection-subject" />
            </Form.Item>
          )}
          <Form.Item name="text" label="异议内容" rules={[{ required: true, whitespace: true, message: '请填写异议内容' }, { max: 2000 }]}>
            <Input.TextArea rows={4} placeholder="请写明针对的对象和具体事实" />
          </Form.Item>
          <Form.Item name="contact" label="联系方式（选填）" rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function CertificateVerifyPage() {
  const { code: initial } = useParams();
  const nav = useNavigate();
  const result = useLoad(
    () => (initial ? api.get<Record<string, unknown>>(`/public/certificates/${encodeURIComponent(initial)}`, { anonymous: true }) : Promise.resolve(undefined)),
    [initial],
  );
  const r = result.data;
  const LABEL: Record<string, string> = { code: '证书编号', name: '姓名', title: '职称', level: '级别', category: '专业', specialty: '专业', issuedOn: '发证日期', issuedAt: '发证时间', validFrom: '生效日期', status: '状态', valid: '是否有效', sessionYear: '评审年度', revokedAt: '撤销时间', revokedReason: '撤销原因', idNumber: '身份证号码', grantedOn: '取得日期', certificateCode: '证书编号', levelName: '职称', categoryName: '评审专业', issuer: '发证机关' };
  const valid = r && (r.valid === true || r.status === 'valid');
  return (
    <Card title={<PageTitle>电子证书查验</PageTitle>}>
      <Form layout="inline" initialValues={{ code: initial }} onFinish={(v: { code: string }) => nav(`/public/certificates/${encodeURIComponent(v.code.trim())}`)} style={{ rowGap: 12, marginBottom: 16 }}>
        <Form.Item name="code" rules={[{ required: true, message: '请输入证书编号或查验码' }]}>
          <Input placeholder="证书编号 / 查验码" style={{ width: 280 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          查验
        </Button>
      </Form>
      {initial && result.loading && <Typography.Text type="secondary">查询中…</Typography.Text>}
      {initial && result.error ? (
        <Result status="warning" title="未查到该证书" subTitle={result.error instanceof ApiError && result.error.status === 404 ? '请核对证书编号；如有疑问请联系发证机关。' : errorText(result.error)} />
      ) : null}
      {r && (
        <>
          <Result status={valid ? 'success' : 'warning'} title={<span data-testid="certificate-verdict">{valid ? '证书真实有效' : '证书不在有效状态'}</span>} style={{ padding: 16 }} />
          <Descriptions bordered size="small" column={1}>
            {Object.entries(r)
              .filter(([k, v]) => (v == null || typeof v !== 'object') && !(`${k}Name` in r))
              .map(([k, v]) => (
                <Descriptions.Item key={k} label={LABEL[k] ?? k}>
                  {typeof v === 'boolean' ? (v ? '是' : '否') : v == null ? '—' : /At$/.test(k) ? fmt(String(v)) : k === 'status' ? ({ valid: '有效', revoked: '已撤销' } as Record<string, string>)[String(v)] ?? String(v) : codeWords(k, v)}
                </Descriptions.Item>
              ))}
          </Descriptions>
        </>
      )}
    </Card>
  );
}
