/** The bureau publishes the year's concentrated application period for certificate rewards (a public notice). */
import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, InputNumber, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText } from '../lib/labels';
import { todayShanghai } from '../lib/time';
import { useAuth } from '../auth';

export interface ApplicationPeriod {
  year: number;
  startsOn: string;
  endsOn: string;
  receivedFrom: string;
  noticeId: string;
  publishedBy: string;
  publishedAt: string;
}

export function ApplicationPeriodsPage() {
  const { has } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ year: number; range: [Dayjs, Dayjs] }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const list = useLoad(() => api.get<ApplicationPeriod[]>('/nanxun/application-periods'), []);
  const submit = async (v: { year: number; range: [Dayjs, Dayjs] }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/nanxun/application-periods', { year: v.year, startsOn: v.range[0].format('YYYY-MM-DD'), endsOn: v.range[1].format('YYYY-MM-DD') });
      message.success('集中申请期已发布，已在公示公告中公布');
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>证书奖励金集中申请期</h1>}>
      <Typography.Paragraph type="secondary">
        “证书奖励金集中申请时间为证书领取后的6个月内，具体时间以区应急管理局每年发布的公告为准。”发布后：当年的证书奖励申请须在申请期内提交，且证书须在申请期截止日前6个月内领取。
      </Typography.Paragraph>
      {has('bureau_reviewer') && (
        <Form
          form={form}
          layout="inline"
          onFinish={submit}
          initialValues={{ year: Number(todayShanghai().slice(0, 4)) }}
          style={{ marginBottom: 16, rowGap: 8 }}
        >
          <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
            <InputNumber min={2019} max={2100} aria-label="年度" />
          </Form.Item>
          <Form.Item
            name="range"
            label="申请期"
            dependencies={['year']}
            rules={[
              { required: true, message: '请选择起止日期' },
              ({ getFieldValue }) => ({
                validator: async (_, r?: [Dayjs, Dayjs]) => {
                  const y = String(getFieldValue('year'));
                  if (r && (!r[0].format('YYYY').startsWith(y) || !r[1].format('YYYY').startsWith(y))) throw new Error('申请期须在所选年度内');
                },
              }),
            ]}
          >
            <DatePicker.RangePicker aria-label="申请期起止日期" data-testid="period-range" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="publish-period">
              发布公告
            </Button>
          </Form.Item>
        </Form>
      )}
      {error ? <Alert type="error" showIcon style={{ marginBottom: 16 }} message={errorText(error)} data-testid="period-error" /> : null}
      <Table<ApplicationPeriod>
        rowKey="year"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        columns={[
          { title: '年度', dataIndex: 'year' },
          { title: '集中申请期', render: (_, p) => `${p.startsOn} 至 ${p.endsOn}` },
          { title: '受理领取日期', render: (_, p) => `${p.receivedFrom} 及以后` },
          { title: '发布人', dataIndex: 'publishedBy' },
          { title: '发布时间', render: (_, p) => new Date(p.publishedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) },
        ]}
      />
    </Card>
  );
}
