/** The committee office's list of title-review sessions (评审会) and creating one. */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, DatePicker, Form, InputNumber, Modal, Radio, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { TITLE_LEVEL, errorText } from '../../lib/labels';
import { fmtDate } from '../../lib/time';
import { SESSION_STATUS, type Session, notOpen, NotOpen, sessionLabel } from './shared';
import { PageTitle } from '../../components';

// ---------------- committee office: sessions ----------------
export function SessionsPage() {
  const { message } = App.useApp();
  const nav = useNavigate();
  const list = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ year: number; level: string; meetingDate: Dayjs; ballotThreshold?: boolean }>();
  const [busy, setBusy] = useState(false);
  const create = async (v: { year: number; level: string; meetingDate: Dayjs; ballotThreshold?: boolean }) => {
    setBusy(true);
    try {
      const r = await api.post<{ id: string }>('/zhejiang/sessions', {
        year: v.year,
        level: v.level,
        meetingDate: v.meetingDate.format('YYYY-MM-DD'),
        ...(v.ballotThreshold ? { ballotThreshold: true } : {}),
      });
      message.success('评审会已创建');
      setOpen(false);
      nav(`/zhejiang/sessions/${encodeURIComponent(r.id)}`);
    } catch (e) {
      message.error(notOpen(e) ? '职称评审功能尚未开通' : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (list.error && notOpen(list.error)) return <NotOpen what="评审会" />;
  return (
    <Card
      title={<PageTitle>职称评审会</PageTitle>}
      extra={
        <Button type="primary" onClick={() => setOpen(true)}>
          新建评审会
        </Button>
      }
    >
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Session>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        scroll={{ x: 600 }}
        locale={{ emptyText: '暂无评审会' }}
        columns={[
          { title: '评审会', key: 'n', render: (_: unknown, s) => <Link to={`/zhejiang/sessions/${encodeURIComponent(s.id)}`}>{sessionLabel(s)}</Link> },
          { title: '会议日期', dataIndex: 'meetingDate', render: fmtDate },
          { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color="blue">{SESSION_STATUS[s] ?? s}</Tag> },
          { title: '最迟批准日', dataIndex: 'latestApprovalOn', render: fmtDate, responsive: ['md'] },
        ]}
      />
      <Modal title="新建评审会" open={open} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okText="创建" cancelText="取消">
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ year: new Date().getFullYear(), level: 'senior' }}>
          <Form.Item name="year" label="年度" rules={[{ required: true }]}>
            <InputNumber min={2000} max={2100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="level" label="级别" rules={[{ required: true }]}>
            <Radio.Group options={Object.entries(TITLE_LEVEL).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item
            name="meetingDate"
            label="评审会议日期"
            rules={[{ required: true, message: '请选择会议日期' }]}
            extra="方案须在会议10个工作日前报省人力社保厅批准"
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="ballotThreshold"
            valuePropName="checked"
            extra="计票私钥拆分为三份，分别由主任委员和两位副主任委员持有；计票时须至少两人出示各自的份额，系统不保存完整私钥"
          >
            <Checkbox data-testid="ballot-threshold">门限计票密钥（三取二）</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
