import { useEffect, useState, type HTMLAttributes } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Card, Col, Input, Row, Segmented, Select, Space, Statistic, Tag, Typography, Button } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api, type Task } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { TASK_KIND, errorText, taskKind } from '../lib/labels';
import { fmt, fmtDate } from '../lib/time';
import { DueMark, TaskStateTag, PageTitle } from '../components';
import { useAuth } from '../auth';
import { ResponsiveTable } from '../ResponsiveTable';

/** what a task is about: a reward claim of one kind, or a title application of one level */
export const SUBJECT_TYPE: Record<string, string> = {
  certificate: '资格证书奖励',
  shortage_talent: '紧缺人才奖励',
  high_level: '高层次人才奖励',
  title_senior: '高级工程师职称评审',
  title_professor: '正高级工程师职称评审',
};
const subjectType = (t: Task): string =>
  t.subjectKind === 'title_application'
    ? `title_${t.titleLevel ?? 'senior'}`
    : (t.subjectKind ?? (t.subject.type.includes('title') ? 'title_senior' : 'certificate'));
const subjectTypeLabel = (code: string): string => SUBJECT_TYPE[code] ?? '其他事项';

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
  const type = params.get('type') ?? '';
  const rows = (list.data ?? []).filter((t) => !type || subjectType(t) === type);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageTitle title="待办任务">
        待办任务{' '}
        <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400 }}>
          {user?.orgName}
        </Typography.Text>
      </PageTitle>
      <Row gutter={[12, 12]}>
        <Col xs={8} md={6}>
          <Card size="small">
            <Statistic title="待办" value={openTasks.length} />
          </Card>
        </Col>
        <Col xs={8} md={6}>
          <Card size="small">
            <Statistic title="即将到期" value={openTasks.filter((t) => t.warning).length} valueStyle={{ color: '#ad6800' }} />
          </Card>
        </Col>
        <Col xs={8} md={6}>
          <Card size="small">
            <Statistic title="已逾期" value={openTasks.filter((t) => t.overdue).length} valueStyle={{ color: '#cf1322' }} />
          </Card>
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
          <Select
            allowClear
            aria-label="按申请类型筛选"
            placeholder="申请类型"
            style={{ width: 170 }}
            value={type || undefined}
            onChange={(v?: string) => set('type', v ?? '')}
            options={Object.entries(SUBJECT_TYPE).map(([value, label]) => ({ value, label }))}
            data-testid="task-type-filter"
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
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            刷新
          </Button>
        </Space>
        {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
        <ResponsiveTable<Task>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 1120 }}
          locale={{ emptyText: state === 'open' ? '暂无待办任务' : '暂无任务' }}
          rowClassName={(t) => (t.overdue ? 'row-overdue' : '')}
          onRow={(t) => ({ 'data-task-row': t.subject.ref, 'data-subject-type': subjectType(t) }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: '申请编号',
              dataIndex: ['subject', 'ref'],
              width: 180,
              sorter: (a, b) => a.subject.ref.localeCompare(b.subject.ref),
              render: (ref: string, t) => (
                <Link to={`/tasks/${encodeURIComponent(t.id)}`} data-testid="task-link" data-ref={ref} className="nowrap">
                  {ref}
                </Link>
              ),
            },
            {
              title: '申请人',
              dataIndex: 'applicantName',
              width: 100,
              sorter: (a, b) => (a.applicantName ?? '').localeCompare(b.applicantName ?? '', 'zh-CN'),
              render: (n: string | null) => (
                <span className="nowrap" data-testid="task-applicant">
                  {n ?? '—'}
                </span>
              ),
            },
            {
              title: '类型',
              key: 'type',
              sorter: (a, b) => subjectTypeLabel(subjectType(a)).localeCompare(subjectTypeLabel(subjectType(b)), 'zh-CN'),
              render: (_: unknown, t) => (
                <Tag color={subjectType(t).startsWith('title') ? 'purple' : 'blue'} data-testid="task-type">
                  {subjectTypeLabel(subjectType(t))}
                </Tag>
              ),
            },
            {
              title: '环节',
              dataIndex: 'kind',
              render: (k: string) => <span className="nowrap">{taskKind(k)}</span>,
              sorter: (a, b) => taskKind(a.kind).localeCompare(taskKind(b.kind), 'zh-CN'),
            },
            { title: '状态', dataIndex: 'state', render: (s: string) => <TaskStateTag state={s} /> },
            {
              title: '收件日期',
              dataIndex: 'createdAt',
              render: (v: string) => <span className="nowrap">{fmtDate(v)}</span>,
              sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
              defaultSortOrder: state === 'open' ? 'ascend' : undefined,
            },
            {
              title: '办结期限',
              dataIndex: 'dueOn',
              render: (d: string | null) => <span className="nowrap">{fmtDate(d)}</span>,
              sorter: (a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'),
            },
            {
              title: '剩余时间',
              key: 'due',
              sorter: (a, b) => (a.workingDaysLeft ?? 9999) - (b.workingDaysLeft ?? 9999),
              render: (_: unknown, t) => (t.state === 'done' ? <span className="nowrap">{fmt(t.decidedAt)} 办结</span> : <DueMark task={t} />),
            },
            {
              title: '操作',
              key: 'op',
              fixed: 'right',
              width: 72,
              render: (_: unknown, t) => (
                <Link to={`/tasks/${encodeURIComponent(t.id)}`} aria-label={`${t.state === 'open' ? '办理' : '查看'} ${t.subject.ref}`}>
                  {t.state === 'open' ? '办理' : '查看'}
                </Link>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
