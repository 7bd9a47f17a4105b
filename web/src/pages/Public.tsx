import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Collapse, Descriptions, Empty, Form, Input, Modal, Result, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { api, ApiError, type TimelineEntry } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { CATEGORY, CHANNEL, TITLE_LEVEL, claimKind, claimStatus, errorText, stage as stageLabel } from '../lib/labels';
import { dayjs, fmt, fmtDate, TZ } from '../lib/time';
import { ClaimStatusTag, TimelineView, PageTitle } from '../components';
import { PolicyEditionsCard } from './Policies';

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
      setResult(
        await api.get<Progress>('/public/progress', {
          query: { applicationNo: v.applicationNo.trim(), idLast6: v.idLast6.trim().toUpperCase() },
          anonymous: true,
        }),
      );
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
          <Form.Item
            name="idLast6"
            rules={[
              { required: true, message: '请输入身份证号后6位' },
              { pattern: /^[0-9]{5}[0-9Xx]$/, message: '身份证号后6位' },
            ]}
          >
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
const _codeWords = (k: string, v: unknown): string => {
  const x = String(v);
  if (k === 'level') return TITLE_LEVEL[x] ?? x;
  if (k === 'category' || k === 'specialty') return CATEGORY[x] ?? x;
  if (k === 'channel') return CHANNEL[x] ?? x;
  return x;
};

/**
 * A notice entry's columns, in this order, each shown only when some entry has it: the notice's own words for
 * coded values (levelName, categoryName) stand in for the codes, and fields without a column here (ids, internal
 * values) are not shown, so no raw key ever reaches the page.
 */
type Entry = Record<string, unknown>;
const has = (v: unknown) => v !== undefined && v !== null && v !== '';
const ENTRY_COLUMNS: { key: string; title: string; present: (e: Entry) => boolean; show: (e: Entry) => string }[] = [
  { key: 'applicationNo', title: '申请编号', present: (e) => has(e.applicationNo), show: (e) => String(e.applicationNo) },
  { key: 'name', title: '姓名', present: (e) => has(e.name), show: (e) => String(e.name) },
  {
    key: 'employer',
    title: '工作单位',
    present: (e) => has(e.employer) || has(e.employerName) || has(e.orgName),
    show: (e) => String(e.employer ?? e.employerName ?? e.orgName),
  },
  {
    key: 'level',
    title: '评审级别',
    present: (e) => has(e.levelName) || has(e.level),
    show: (e) => String(e.levelName ?? TITLE_LEVEL[String(e.level)] ?? '—'),
  },
  {
    key: 'category',
    title: '评审专业',
    present: (e) => has(e.categoryName) || has(e.category),
    show: (e) => String(e.categoryName ?? CATEGORY[String(e.category)] ?? '—'),
  },
  { key: 'channel', title: '申报渠道', present: (e) => has(e.channel), show: (e) => CHANNEL[String(e.channel)] ?? '—' },
  { key: 'result', title: '评审结果', present: (e) => has(e.result), show: (e) => (typeof e.result === 'string' ? (RESULT[e.result] ?? e.result) : '—') },
  { key: 'decision', title: '处理决定', present: (e) => has(e.decision), show: (e) => String(e.decision) },
  {
    key: 'ban',
    title: '禁止申报期',
    present: (e) => has(e.banFromYear),
    show: (e) => (has(e.banToYear) ? `${String(e.banFromYear)}年至${String(e.banToYear)}年` : `${String(e.banFromYear)}年起`),
  },
  {
    key: 'revokedCertificate',
    title: '撤销的证书',
    present: (e) => has(e.revokedCertificate),
    show: (e) => (has(e.revokedCertificate) ? String(e.revokedCertificate) : '—'),
  },
];
const RESULT: Record<string, string> = { passed: '通过', failed: '未通过' };

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
      await api.post(
        `/public/notices/${encodeURIComponent(objecting.id)}/objections`,
        { text: v.text.trim(), ...(v.contact?.trim() ? { contact: v.contact.trim() } : {}), ...(v.applicationId ? { applicationId: v.applicationId } : {}) },
        { anonymous: true },
      );
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
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>公示公告</PageTitle>}>
        {notices.error && !notFound ? <Alert type="error" showIcon message={errorText(notices.error)} /> : null}
        {!notices.loading && !list.length ? <Empty description="暂无公示" /> : null}
        {notices.data && (
          <Collapse
            defaultActiveKey={list.filter((n) => n.open ?? dayjs(n.endsAt).isAfter(now)).map((n) => n.id)}
            items={list.map((n) => {
              // the server decides (its clock, and a publicity closed by its process); this device's clock is a fallback
              const open = n.open ?? (dayjs(n.startsAt).isBefore(now) && dayjs(n.endsAt).isAfter(now));
              const objections = n.acceptsObjections ?? (open && n.kind !== 'misconduct');
              const columns = ENTRY_COLUMNS.filter((c) => n.entries.some(c.present));
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
                      columns={columns.map((c) => ({ title: c.title, key: c.key, render: (_: unknown, e: Entry) => (c.present(e) ? c.show(e) : '—') }))}
                    />
                    {objections && (
                      <Button
                        onClick={() => {
                          form.resetFields();
                          setObjecting(n);
                        }}
                        data-testid="object-button"
                      >
                        提出异议
                      </Button>
                    )}
                  </Space>
                ),
              };
            })}
          />
        )}
        <Modal
          title={`对“${objecting?.title ?? ''}”提出异议`}
          open={!!objecting}
          onCancel={() => setObjecting(undefined)}
          onOk={() => form.submit()}
          confirmLoading={busy}
          okText="提交"
          cancelText="取消"
        >
          <Form form={form} layout="vertical" onFinish={submit}>
            {objectable.length > 0 && (
              <Form.Item
                name="applicationId"
                label="异议对象"
                rules={objectable.length > 1 ? [{ required: true, message: '请选择异议针对的公示对象' }] : []}
                initialValue={objectable.length === 1 ? objectable[0]!.value : undefined}
              >
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
      <PolicyEditionsCard />
    </Space>
  );
}

/** what a verified certificate shows, in this order (fields without a row here are not shown) */
const CERTIFICATE_FIELDS: { key: string; label: string; present: (r: Entry) => boolean; show: (r: Entry) => string }[] = [
  { key: 'code', label: '证书编号', present: (r) => has(r.code ?? r.certificateCode), show: (r) => String(r.code ?? r.certificateCode) },
  {
    key: 'status',
    label: '状态',
    present: (r) => has(r.status) || typeof r.valid === 'boolean',
    show: (r) => (r.valid === true || r.status === 'valid' ? '有效' : '已撤销'),
  },
  { key: 'name', label: '姓名', present: (r) => has(r.name), show: (r) => String(r.name) },
  { key: 'idNumber', label: '身份证号码', present: (r) => has(r.idNumber), show: (r) => String(r.idNumber) },
  { key: 'level', label: '职称', present: (r) => has(r.levelName) || has(r.level), show: (r) => String(r.levelName ?? TITLE_LEVEL[String(r.level)] ?? '—') },
  {
    key: 'category',
    label: '评审专业',
    present: (r) => has(r.categoryName) || has(r.category),
    show: (r) => String(r.categoryName ?? CATEGORY[String(r.category)] ?? '—'),
  },
  { key: 'grantedOn', label: '取得日期', present: (r) => has(r.grantedOn), show: (r) => fmtDate(String(r.grantedOn)) },
  { key: 'issuer', label: '发证机关', present: (r) => has(r.issuer), show: (r) => String(r.issuer) },
  { key: 'revokedAt', label: '撤销时间', present: (r) => has(r.revokedAt), show: (r) => fmt(String(r.revokedAt)) },
  { key: 'revokedReason', label: '撤销原因', present: (r) => has(r.revokedReason), show: (r) => String(r.revokedReason) },
];

export function CertificateVerifyPage() {
  const { code: initial } = useParams();
  const nav = useNavigate();
  const result = useLoad(
    () => (initial ? api.get<Record<string, unknown>>(`/public/certificates/${encodeURIComponent(initial)}`, { anonymous: true }) : Promise.resolve(undefined)),
    [initial],
  );
  const r = result.data;
  const valid = r && (r.valid === true || r.status === 'valid');
  return (
    <Card title={<PageTitle>电子证书查验</PageTitle>}>
      <Form
        layout="inline"
        initialValues={{ code: initial }}
        onFinish={(v: { code: string }) => nav(`/public/certificates/${encodeURIComponent(v.code.trim())}`)}
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="code" rules={[{ required: true, message: '请输入证书编号或查验码' }]}>
          <Input placeholder="证书编号 / 查验码" style={{ width: 280 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          查验
        </Button>
      </Form>
      {initial && result.loading && <Typography.Text type="secondary">查询中…</Typography.Text>}
      {initial && result.error ? (
        <Result
          status="warning"
          title="未查到该证书"
          subTitle={result.error instanceof ApiError && result.error.status === 404 ? '请核对证书编号；如有疑问请联系发证机关。' : errorText(result.error)}
        />
      ) : null}
      {r && (
        <>
          <Result
            status={valid ? 'success' : 'warning'}
            title={<span data-testid="certificate-verdict">{valid ? '证书真实有效' : '证书不在有效状态'}</span>}
            style={{ padding: 16 }}
          />
          <Descriptions bordered size="small" column={1}>
            {CERTIFICATE_FIELDS.filter((f) => f.present(r)).map((f) => (
              <Descriptions.Item key={f.key} label={f.label}>
                {f.show(r)}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </>
      )}
    </Card>
  );
}
