/**
 * Policy editions in the console: the editions in force (public notices page), and for the administrator a page
 * to compare two editions side by side and to publish a new one after a dry run (POST /admin/policies/dry-run).
 */
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, type PolicyEdition, type PolicyEditionSummary } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText } from '../lib/labels';
import { fmt } from '../lib/time';
import { PageTitle } from '../components';

const STATUS: Record<string, [string, string]> = { in_force: ['green', '现行有效'], future: ['blue', '尚未施行'], past: ['default', '已失效'] };
const KIND: Record<string, string> = { substantive: '实体（按提交时）', procedural: '程序（按环节开始时）' };

export function StatusTag({ status }: { status: string }) {
  const [color, label] = STATUS[status] ?? ['default', status];
  return <Tag color={color}>{label}</Tag>;
}

const period = (e: PolicyEditionSummary) => `${fmt(e.effectiveFrom)} 起${e.effectiveTo ? `，至 ${fmt(e.effectiveTo)} 止` : ''}`;

/** The editions in force and to come, for the public notices page. */
export function PolicyEditionsCard() {
  const list = useLoad(() => api.get<PolicyEditionSummary[]>('/policies', { anonymous: true }), []);
  const shown = (list.data ?? []).filter((e) => e.status !== 'past');
  return (
    <Card title={<h2 className="page-title">现行政策文件</h2>} data-testid="policy-editions">
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <List
        loading={list.loading}
        dataSource={shown}
        renderItem={(e) => (
          <List.Item data-testid="policy-edition" data-edition-id={e.id}>
            <Space direction="vertical" size={0}>
              <Space wrap>
                <b>《{e.title}》</b>
                {e.documentNo && <span>{e.documentNo}</span>}
                <StatusTag status={e.status} />
              </Space>
              <Typography.Text type="secondary">
                {e.issuer}；{period(e)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

interface DryRun {
  affected: { subject: { type: string; id: string; ref: string }; stage?: string; change: string }[];
  unaffected: number;
  notes: string[];
}

interface Draft {
  policy: string;
  basedOn: string;
  title: string;
  documentNo?: string;
  from: Dayjs;
  changes: string;
  reason: string;
}

/** Compare two editions; publish a new one after a dry run of exactly the same request. */
export function PoliciesAdminPage() {
  const { message } = App.useApp();
  const list = useLoad(() => api.get<PolicyEditionSummary[]>('/policies'), []);
  const editions = list.data ?? [];
  const [left, setLeft] = useState<string>();
  const [right, setRight] = useState<string>();
  const a = useLoad(() => (left ? api.get<PolicyEdition>(`/policies/${encodeURIComponent(left)}`) : Promise.resolve(undefined)), [left]);
  const b = useLoad(() => (right ? api.get<PolicyEdition>(`/policies/${encodeURIComponent(right)}`) : Promise.resolve(undefined)), [right]);
  const rows = useMemo(() => {
    const names = [...new Set([...Object.keys(a.data?.parameters ?? {}), ...Object.keys(b.data?.parameters ?? {})])];
    return names.map((name) => ({ name, a: a.data?.parameters[name], b: b.data?.parameters[name] }));
  }, [a.data, b.data]);

  const [form] = Form.useForm<Draft>();
  const [dry, setDry] = useState<{ body: string; result: DryRun }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const body = (v: Draft) => {
    const parameters = JSON.parse(v.changes || '{}') as Record<string, unknown>;
    return {
      policy: v.policy,
      basedOn: v.basedOn,
      title: v.title,
      ...(v.documentNo ? { documentNo: v.documentNo } : {}),
      effectiveFrom: v.from.format('YYYY-MM-DD'),
      parameters,
      reason: v.reason,
    };
  };
  const run = async (publish: boolean) => {
    setError(undefined);
    let b0: ReturnType<typeof body>;
    try {
      b0 = body(await form.validateFields());
    } catch (e) {
      if (e instanceof SyntaxError) setError(new Error('参数修改须为 JSON，例如 {"certificateRewardYuan.intermediate": 2500}'));
      return;
    }
    setBusy(true);
    try {
      if (!publish) setDry({ body: JSON.stringify(b0), result: await api.post<DryRun>('/admin/policies/dry-run', b0) });
      else {
        await api.post('/admin/policies', b0);
        message.success('新版本已发布');
        setDry(undefined);
        list.reload();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const [current, setCurrent] = useState<string>();
  const dryMatches = (v: Draft | undefined) => {
    try {
      return !!dry && !!v && dry.body === JSON.stringify(body(v));
    } catch {
      return false;
    }
  };
  const options = editions.map((e) => ({ value: e.id, label: `${e.title}（${e.id}）` }));
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle>政策版本对比</PageTitle>}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select style={{ minWidth: 320 }} placeholder="版本 A" options={options} value={left} onChange={setLeft} aria-label="版本 A" />
          <Select style={{ minWidth: 320 }} placeholder="版本 B" options={options} value={right} onChange={setRight} aria-label="版本 B" />
        </Space>
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          dataSource={rows}
          rowClassName={(r) => (JSON.stringify(r.a?.value) !== JSON.stringify(r.b?.value) ? 'row-changed' : '')}
          columns={[
            { title: '参数', dataIndex: 'name' },
            { title: '类别', render: (_: unknown, r) => KIND[(r.a ?? r.b)?.kind ?? ''] },
            { title: '版本 A', render: (_: unknown, r) => JSON.stringify(r.a?.value) },
            {
              title: '版本 B',
              render: (_: unknown, r) => {
                const changed = JSON.stringify(r.a?.value) !== JSON.stringify(r.b?.value);
                return changed ? <b>{JSON.stringify(r.b?.value)}</b> : JSON.stringify(r.b?.value);
              },
            },
            { title: '条款', render: (_: unknown, r) => (r.b ?? r.a)?.clause },
          ]}
        />
      </Card>
      <Card title={<h2 className="page-title">发布新版本</h2>}>
        <Typography.Paragraph type="secondary">
          新版本自将来某日起施行（不得溯及既往），以现行版本为基础，只填写改动的参数。先试算，看清将影响哪些在办事项，再发布。说明见 docs/policy.md。
        </Typography.Paragraph>
        <Form form={form} layout="vertical" onValuesChange={() => setCurrent(String(Math.random()))} data-current={current}>
          <Form.Item name="basedOn" label="基于版本（新版本施行之日，该版本终止）" rules={[{ required: true }]}>
            <Select
              options={editions.filter((e) => e.status !== 'past').map((e) => ({ value: e.id, label: `${e.title}（${e.id}）` }))}
              onChange={(id: string) => {
                const e = editions.find((x) => x.id === id);
                if (e) form.setFieldsValue({ policy: e.policy, title: e.title });
              }}
            />
          </Form.Item>
          <Form.Item name="policy" hidden>
            <Input />
          </Form.Item>
          <Form.Item name="title" label="文件名称" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="documentNo" label="文号">
            <Input placeholder="如 浔政办发〔2027〕12号" />
          </Form.Item>
          <Form.Item name="from" label="施行日期（北京时间零时起）" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="changes" label="改动的参数（JSON）" rules={[{ required: true }]}>
            <Input.TextArea rows={3} placeholder='{"certificateRewardYuan.intermediate": 2500, "bureauReviewWorkingDays": 7}' />
          </Form.Item>
          <Form.Item name="reason" label="发布理由" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Space>
            <Button onClick={() => run(false)} loading={busy} data-testid="policy-dry-run">
              试算影响
            </Button>
            <Button type="primary" onClick={() => run(true)} loading={busy} disabled={!dryMatches(form.getFieldsValue())} data-testid="policy-publish">
              发布
            </Button>
          </Space>
        </Form>
        {error ? <Alert style={{ marginTop: 12 }} type="error" showIcon message={errorText(error)} /> : null}
        {dry && (
          <Space direction="vertical" style={{ marginTop: 12, width: '100%' }} data-testid="policy-dry-run-result">
            {dry.result.notes.map((n) => (
              <Alert key={n} type="info" showIcon message={n} />
            ))}
            <Typography.Text>
              受影响 {dry.result.affected.length} 个环节；不受影响的在办事项 {dry.result.unaffected} 件。
            </Typography.Text>
            <List size="small" bordered dataSource={dry.result.affected} renderItem={(x) => <List.Item>{x.change}</List.Item>} />
          </Space>
        )}
      </Card>
    </Space>
  );
}
