/** The committee office's expert pool (评审专家库). */
import { useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Radio, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CATEGORY, INELIGIBLE, TITLE_LEVEL, errorText } from '../../lib/labels';
import { fmtDate } from '../../lib/time';
import { type Expert, notOpen, NotOpen } from './shared';
import { PageTitle } from '../../components';

export function ExpertsPage() {
  const { message } = App.useApp();
  const list = useLoad(() => api.get<Expert[]>('/zhejiang/experts'), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const add = async (v: { name: string; specialty: string; title: string; titleSince: Dayjs; orgName: string; username?: string }) => {
    setBusy(true);
    try {
      await api.post('/zhejiang/experts', { ...v, username: v.username?.trim() || undefined, titleSince: v.titleSince.format('YYYY-MM-DD') });
      message.success('已加入专家库');
      setOpen(false);
      form.resetFields();
      list.reload();
    } catch (e) {
      message.error(notOpen(e) ? '专家库功能尚未开通' : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (list.error && notOpen(list.error)) return <NotOpen what="专家库" />;
  const rows = list.data ?? [];
  const q = search.trim();
  const shown = q ? rows.filter((e) => e.name.includes(q) || e.orgName.includes(q)) : rows;
  const by = (t: string) => rows.filter((e) => (e.pool ?? e.title) === t && e.active !== false).length;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={12}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="高级评审专家库" value={by('senior')} suffix="/ 50" valueStyle={{ color: by('senior') >= 50 ? '#3f8600' : '#cf1322' }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="正高级评审专家库" value={by('professor')} suffix="/ 50" valueStyle={{ color: by('professor') >= 50 ? '#3f8600' : '#cf1322' }} />
          </Card>
        </Col>
      </Row>
      <Card
        title={<PageTitle>评审专家库</PageTitle>}
        extra={
          <Button type="primary" onClick={() => setOpen(true)}>
            添加专家
          </Button>
        }
      >
        {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
        <Input.Search
          allowClear
          placeholder="按姓名或工作单位查找"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ maxWidth: 320, marginBottom: 12 }}
          data-testid="expert-search"
        />
        <Table<Expert>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={shown}
          scroll={{ x: 640 }}
          columns={[
            { title: '姓名', dataIndex: 'name' },
            {
              title: '专业',
              dataIndex: 'specialty',
              render: (s: string) => CATEGORY[s] ?? s,
              filters: Object.entries(CATEGORY).map(([value, text]) => ({ value, text })),
              onFilter: (v, r) => r.specialty === v,
            },
            { title: '职称', dataIndex: 'title', render: (t: string) => TITLE_LEVEL[t] ?? t },
            { title: '取得时间', dataIndex: 'titleSince', render: fmtDate },
            { title: '工作单位', dataIndex: 'orgName', responsive: ['md'] },
            {
              title: '资格',
              key: 'el',
              render: (_: unknown, e) =>
                e.eligible === false ? (
                  <Tag color="red">{e.ineligibleReason ? (INELIGIBLE[e.ineligibleReason] ?? e.ineligibleReason) : '不符合'}</Tag>
                ) : (
                  <Tag color="green">符合</Tag>
                ),
            },
          ]}
        />
        <Typography.Text type="secondary">高级评审专家须取得高级职称满5年，正高级评审专家须取得正高级职称满3年；专家库每3年复核一次。</Typography.Text>
      </Card>
      <Modal
        title="添加评审专家"
        open={open}
        onCancel={() => {
          setOpen(false);
          form.resetFields();
        }}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText="添加"
        cancelText="取消"
      >
        <Form form={form} layout="vertical" onFinish={add} initialValues={{ title: 'senior', specialty: 'safety_science' }}>
          <Form.Item name="name" label="姓名" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="specialty" label="专业" rules={[{ required: true }]}>
            <Select options={Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="title" label="职称" rules={[{ required: true }]}>
            <Radio.Group options={Object.entries(TITLE_LEVEL).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="titleSince" label="取得职称日期" rules={[{ required: true }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="orgName" label="工作单位" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="username" label="专家登录账号（选填，投票需要）">
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

// ---------------- experts: the ballot ----------------
