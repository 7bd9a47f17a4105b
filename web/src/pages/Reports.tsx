import { useMemo } from 'react';
import { Alert, App, Button, Card, Col, Empty, Row, Space, Statistic, Table, Tabs, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { api, downloadCsv } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { Chart } from '../lib/Chart';
import { CLAIM_STATUS, claimKind, claimStatus, errorText, taskKind } from '../lib/labels';
import { fmt, fmtDate, yuan } from '../lib/time';
import { PageTitle } from '../components';
import { SESSION_STATUS } from './titleReview/shared';

interface ByStage {
  kind: string;
  status: string;
  orgCode: string;
  orgName: string;
  count: number;
  amountYuan: number;
  approvedYuan: number;
  paidYuan: number;
}
interface Overdue {
  id: string;
  kind: string;
  orgCode: string;
  orgName: string;
  subjectRef: string;
  createdAt: string;
  dueAt: string | null;
  dueOn: string | null;
  workingDaysLeft: number | null;
  warning: boolean;
  overdue: boolean;
}
interface Fund {
  fundOrgCode: string;
  fundOrgName: string;
  year: number;
  paidYuan: number;
  paidCount: number;
  recoveredYuan: number;
  pendingYuan: number;
  pendingCount: number;
  approvedUnpaidYuan: number;
  approvedUnpaidCount: number;
  underReviewYuan: number;
  underReviewCount: number;
}
interface SessionRow {
  sessionId: string;
  year: number | null;
  level: string | null;
  status: string | null;
  applications: number;
  passed: number;
  failed: number;
}

function Export({ path, name }: { path: string; name: string }) {
  const { message } = App.useApp();
  return (
    <Button icon={<DownloadOutlined />} onClick={() => downloadCsv(path, name).catch((e) => message.error(errorText(e)))}>
      导出 CSV
    </Button>
  );
}

const STATUS_ORDER = Object.keys(CLAIM_STATUS);

export function ReportsPage() {
  const byStage = useLoad(() => api.get<ByStage[]>('/reports/claims-by-stage'), []);
  const overdue = useLoad(() => api.get<Overdue[]>('/reports/overdue-tasks'), []);
  const funds = useLoad(() => api.get<Fund[]>('/reports/funds'), []);
  const sessions = useLoad(() => api.get<SessionRow[]>('/reports/sessions'), []);
  const rows = byStage.data ?? [];

  const stageChart = useMemo(() => {
    const statuses = STATUS_ORDER.filter((s) => rows.some((r) => r.status === s));
    const orgs = [...new Set(rows.map((r) => r.orgName))];
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: statuses.map(claimStatus), axisLabel: { interval: 0, rotate: statuses.length > 4 ? 20 : 0 } },
      yAxis: { type: 'value', minInterval: 1, name: '件' },
      series: orgs.map((o) => ({
        name: o,
        type: 'bar',
        stack: 'total',
        barMaxWidth: 56,
        data: statuses.map((s) => rows.filter((r) => r.orgName === o && r.status === s).reduce((a, r) => a + r.count, 0)),
      })),
    };
  }, [rows]);

  const fundRows = funds.data ?? [];
  const fundChart = useMemo(() => {
    const labels = fundRows.map((f) => `${f.year} ${f.fundOrgName}`);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: 'value', name: '元' },
      yAxis: { type: 'category', data: labels, axisLabel: { width: 160, overflow: 'truncate' } },
      series: [
        { name: '已发放', type: 'bar', stack: 'a', data: fundRows.map((f) => f.paidYuan), itemStyle: { color: '#52c41a' } },
        { name: '已核准待发放', type: 'bar', stack: 'a', data: fundRows.map((f) => f.approvedUnpaidYuan), itemStyle: { color: '#0958d9' } },
        { name: '审核中', type: 'bar', stack: 'a', data: fundRows.map((f) => f.underReviewYuan), itemStyle: { color: '#bfbfbf' } },
        { name: '已追回', type: 'bar', stack: 'a', data: fundRows.map((f) => f.recoveredYuan), itemStyle: { color: '#eb2f96' } },
      ],
    };
  }, [fundRows]);

  const total = rows.reduce((a, r) => a + r.count, 0);
  const paid = fundRows.reduce((a, r) => a + r.paidYuan, 0);
  // money approved by a body but not paid, and money still under review, are different figures
  const approvedUnpaid = fundRows.reduce((a, r) => a + r.approvedUnpaidYuan, 0);
  const underReview = fundRows.reduce((a, r) => a + r.underReviewYuan, 0);
  const overdueN = (overdue.data ?? []).filter((t) => t.overdue).length;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageTitle>统计报表</PageTitle>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={4}>
          <Card size="small">
            <Statistic title="申请总数" value={total} suffix="件" />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card size="small">
            <Statistic title="逾期任务" value={overdueN} valueStyle={{ color: overdueN ? '#cf1322' : undefined }} suffix="件" />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Card size="small" data-testid="stat-paid">
            <Statistic title="已发放" value={paid} prefix="¥" groupSeparator="," />
          </Card>
        </Col>
        <Col xs={12} md={12} xl={5}>
          <Card size="small" data-testid="stat-approved-unpaid">
            <Statistic title="已核准待发放" value={approvedUnpaid} prefix="¥" groupSeparator="," />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" data-testid="stat-under-review">
            <Statistic title="审核中（尚未核准）" value={underReview} prefix="¥" groupSeparator="," />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'stage',
              label: '按环节和单位',
              children: (
                <>
                  {byStage.error ? <Alert type="error" showIcon message={errorText(byStage.error)} /> : null}
                  {rows.length ? <Chart option={stageChart} testId="chart-stage" /> : <Empty description="暂无申请" />}
                  <Space style={{ margin: '12px 0' }}>
                    <Export path="/reports/claims-by-stage" name="申请按环节和单位统计.csv" />
                  </Space>
                  <Table<ByStage>
                    size="small"
                    rowKey={(r) => `${r.kind}-${r.status}-${r.orgCode}`}
                    loading={byStage.loading}
                    dataSource={rows}
                    pagination={false}
                    scroll={{ x: 640 }}
                    columns={[
                      { title: '类别', dataIndex: 'kind', render: claimKind },
                      { title: '状态', dataIndex: 'status', render: claimStatus },
                      { title: '复审单位', dataIndex: 'orgName' },
                      { title: '件数', dataIndex: 'count', align: 'right' },
                      { title: '申请金额', dataIndex: 'amountYuan', render: (n: number) => yuan(n), align: 'right' },
                      { title: '核定金额', dataIndex: 'approvedYuan', render: (n: number) => yuan(n), align: 'right' },
                      { title: '已发放', dataIndex: 'paidYuan', render: (n: number) => yuan(n), align: 'right' },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'overdue',
              label: '逾期与预警',
              children: (
                <>
                  <Space style={{ marginBottom: 12 }}>
                    <Export path="/reports/overdue-tasks" name="逾期任务.csv" />
                  </Space>
                  {overdue.error ? <Alert type="error" showIcon message={errorText(overdue.error)} /> : null}
                  <Table<Overdue>
                    size="small"
                    rowKey="id"
                    loading={overdue.loading}
                    dataSource={overdue.data ?? []}
                    scroll={{ x: 720 }}
                    locale={{ emptyText: '没有逾期或即将到期的任务' }}
                    columns={[
                      { title: '申请编号', dataIndex: 'subjectRef' },
                      { title: '环节', dataIndex: 'kind', render: taskKind },
                      { title: '承办单位', dataIndex: 'orgName' },
                      { title: '收件时间', dataIndex: 'createdAt', render: fmt },
                      { title: '办结期限', dataIndex: 'dueOn', render: fmtDate },
                      {
                        title: '标记',
                        key: 'm',
                        render: (_: unknown, t) =>
                          t.overdue ? <Tag color="error">已逾期 · 催办</Tag> : <Tag color="warning">即将到期（剩 {t.workingDaysLeft} 个工作日）</Tag>,
                      },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'funds',
              label: '专项经费',
              children: (
                <>
                  {funds.error ? <Alert type="error" showIcon message={errorText(funds.error)} /> : null}
                  {fundRows.length ? (
                    <Chart option={fundChart} height={Math.max(240, fundRows.length * 44 + 80)} testId="chart-funds" />
                  ) : (
                    <Empty description="暂无发放记录" />
                  )}
                  <Space style={{ margin: '12px 0' }}>
                    <Export path="/reports/funds" name="专项经费发放统计.csv" />
                  </Space>
                  <Table<Fund>
                    size="small"
                    rowKey={(r) => `${r.fundOrgCode}-${r.year}`}
                    loading={funds.loading}
                    dataSource={fundRows}
                    pagination={false}
                    scroll={{ x: 720 }}
                    columns={[
                      { title: '年度', dataIndex: 'year' },
                      { title: '专项经费单位', dataIndex: 'fundOrgName' },
                      { title: '已发放', dataIndex: 'paidYuan', render: (n: number) => yuan(n), align: 'right' },
                      { title: '笔数', dataIndex: 'paidCount', align: 'right' },
                      { title: '已核准待发放', dataIndex: 'approvedUnpaidYuan', render: (n: number) => yuan(n), align: 'right' },
                      { title: '审核中', dataIndex: 'underReviewYuan', render: (n: number) => yuan(n), align: 'right' },
                      { title: '审核中件数', dataIndex: 'underReviewCount', align: 'right' },
                      { title: '已追回', dataIndex: 'recoveredYuan', render: (n: number) => yuan(n), align: 'right' },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'sessions',
              label: '职称评审结果',
              children: (
                <>
                  <Space style={{ marginBottom: 12 }}>
                    <Export path="/reports/sessions" name="评审会结果.csv" />
                  </Space>
                  <Table<SessionRow>
                    size="small"
                    rowKey="sessionId"
                    loading={sessions.loading}
                    dataSource={sessions.data ?? []}
                    locale={{ emptyText: '暂无评审会' }}
                    columns={[
                      { title: '年度', dataIndex: 'year' },
                      {
                        title: '级别',
                        dataIndex: 'level',
                        render: (l: string) => (({ senior: '高级工程师', professor: '正高级工程师' }) as Record<string, string>)[l] ?? l,
                      },
                      { title: '状态', dataIndex: 'status', render: (s: string | null) => SESSION_STATUS[s ?? ''] ?? '—' },
                      { title: '申报人数', dataIndex: 'applications' },
                      { title: '通过', dataIndex: 'passed' },
                      { title: '未通过', dataIndex: 'failed' },
                    ]}
                  />
                </>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
