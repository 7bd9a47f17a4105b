import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Card, Col, Input, Row, Segmented, Select, Space, Statistic, Table, Typography, Button } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api, type Task } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { TASK_KIND, errorText, taskKind } from '../lib/labels';
import { fmt, fmtDate } from '../lib/time';
import { DueMark, TaskStateTag, PageTitle } from '../components';
import { useAuth } from '../auth';

export function InboxPage() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? 'open';
  const kind = params.get('kind') ?? '';
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const list = useLoad(() => api.get<Task[]>('/tasks', { query: { state, kind, q, limit: 200 } }), [state, kind, q]);
  // the marks count over all open tasks, whatever the filter
  const open = useLoad(() => api.get<Task[]>('/tasks', { query: { state: 'open', limit: 200 } }), [list.data]);
  useEffect(() => {
    const t = setInterval(list.reload, 60_000);
    return () => clearInterval(t);
  }, [list.reload]);
  const openTasks = open.data ?? [];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageTitle title="待办任务">
        待办任务 <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400 }}>{user?.orgName}</Typography.Text>
      </PageTitle>
      <Row gutter={[12, 12]}>
        <Col xs={8} md={6}>
          <Card size="small"><Statistic title="待办" value={openTasks.length} /></Card>
        </Col>
        <Col xs={8} md={6}>
          <Card size="small"><Statistic title="即将到期" value={openTasks.filter((t) => t.warning).length} valueStyle={{ color: '#faad14' }} /></Card>
        </Col>
        <Col xs={8} md={6}>
          <Card size="small"><Statistic title="已逾期" value={openTasks.filter((t) => t.overdue).length} valueStyle={{ color: '#cf1322' }} /></Card>
        </Col>
      </Row>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented
            value={state}
            onChange={(v) => set('state', String(v))}
            options={[
              { label: '待办', value: 'open' },
              { label: '待补正', value: 'paused' },
              { label: '已办', value: 'done' },
              { label: '全部', value: 'all' },
            ]}
          />
          <Select
            allowClear
            aria-label="按办理环节筛选"
            placeholder="环节"
            style={{ width: 160 }}
            value={kind || undefined}
            onChange={(v?: string) => set('kind', v ?? '')}
            options={Object.entries(TASK_KIND).map(([value, label]) => ({ value, label }))}
          />
          <Input.Search
            allowClear
            placeholder="申请编号或申请人姓名"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => set('q', v.trim())}
            style={{ width: 240 }}
            data-testid="task-search"
          />
          <Button icon={<ReloadOutlined />} onClick={list.reload}>刷新</Button>
        </Space>
        {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
        <Table<Task>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 720 }}
          locale={{ emptyText: state === 'open' ? '暂无待办任务' : '暂无任务' }}
          rowClassName={(t) => (t.overdue ? 'row-overdue' : '')}
          columns={[
            {
              title: '申请编号',
              dataIndex: ['subject', 'ref'],
              render: (ref: string, t) => (
                <Link to={`/tasks/${encodeURIComponent(t.id)}`} data-testid="task-link" data-ref={ref}>
                  {ref}
                </Link>
              ),
            },
            { title: '环节', dataIndex: 'kind', render: (k: string) => taskKind(k), width: 110 },
            { title: '状态', dataIndex: 'state', render: (s: string) => <TaskStateTag state={s} />, width: 90 },
            { title: '收件时间', dataIndex: 'createdAt', render: fmt, responsive: ['md'], width: 150 },
            { title: '办结期限', dataIndex: 'dueOn', render: (d: string | null) => fmtDate(d), responsive: ['sm'], width: 110 },
            { title: '限时办结', key: 'due', render: (_: unknown, t) => (t.state === 'done' ? <span>{fmt(t.decidedAt)}</span> : <DueMark task={t} />), width: 200 },
            {
              title: '操作',
              key: 'op',
              fixed: 'right',
              width: 72,
              render: (_: unknown, t) => <Link to={`/tasks/${encodeURIComponent(t.id)}`}>{t.state === 'open' ? '办理' : '查看'}</Link>,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
