import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Empty, Input, List, Select, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, type ClaimListItem } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { CLAIM_STATUS, claimKind, errorText, stage } from '../lib/labels';
import { fmt, yuan } from '../lib/time';
import { ClaimStatusTag, PageTitle } from '../components';
import { ListRow } from '../ListRow';

interface TitleApp {
  id: string;
  applicationNo: string;
  level: string;
  category: string;
  status: string;
  stage: string;
  submittedAt: string;
}

export function MyClaimsPage() {
  const list = useLoad(() => api.get<ClaimListItem[]>('/nanxun/claims'), []);
  const titles = useLoad(() => api.get<TitleApp[]>('/zhejiang/applications').catch(() => [] as TitleApp[]), []);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={<PageTitle>我的申请</PageTitle>}
        extra={
          <Link to="/my/claims/new">
            <Button type="primary" icon={<PlusOutlined />}>
              申请奖励
            </Button>
          </Link>
        }
      >
        {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
        <List
          loading={list.loading}
          dataSource={list.data ?? []}
          locale={{ emptyText: <Empty description="还没有申请。取得注册安全工程师证书后6个月内可申请证书奖励。" /> }}
          renderItem={(c) => (
            <List.Item
              actions={[
                <Link key="v" to={`/claims/${encodeURIComponent(c.id)}`}>
                  查看进度
                </Link>,
              ]}
              data-testid="my-claim"
              data-application-no={c.applicationNo}
            >
              <ListRow
                title={
                  <Space wrap>
                    <Link to={`/claims/${encodeURIComponent(c.id)}`}>{c.applicationNo}</Link>
                    <ClaimStatusTag status={c.status} />
                  </Space>
                }
                description={`${claimKind(c.kind)} · ${yuan(c.amountYuan)}${c.paidYuan ? ` · 已发放 ${yuan(c.paidYuan)}` : ''} · 提交于 ${fmt(c.submittedAt)}`}
              />
            </List.Item>
          )}
        />
      </Card>
      {titles.data?.length ? (
        <Card title="职称申报">
          <List
            dataSource={titles.data}
            renderItem={(a) => (
              <List.Item
                actions={[
                  <Link key="v" to={`/zhejiang/applications/${encodeURIComponent(a.id)}`}>
                    查看进度
                  </Link>,
                ]}
              >
                <ListRow
                  title={a.applicationNo}
                  description={`${({ senior: '高级工程师', professor: '正高级工程师' } as Record<string, string>)[a.level] ?? a.level} · ${stage(a.stage)} · 提交于 ${fmt(a.submittedAt)}`}
                />
              </List.Item>
            )}
          />
        </Card>
      ) : null}
    </Space>
  );
}

export function ClaimSearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const [text, setText] = useState(q);
  const list = useLoad(() => api.get<ClaimListItem[]>('/nanxun/claims', { query: { q, status, limit: 200 } }), [q, status]);
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(params);
    if (v) n.set(k, v);
    else n.delete(k);
    setParams(n, { replace: true });
  };
  return (
    <Card title={<PageTitle>申请查询</PageTitle>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder="申请编号或姓名"
          allowClear
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => set('q', v.trim())}
          style={{ width: 240 }}
        />
        <Select
          allowClear
          aria-label="按办理状态筛选"
          placeholder="状态"
          style={{ width: 180 }}
          value={status || undefined}
          onChange={(v?: string) => set('status', v ?? '')}
          options={Object.entries(CLAIM_STATUS).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<ClaimListItem>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data ?? []}
        scroll={{ x: 700 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '申请编号', dataIndex: 'applicationNo', render: (n: string, c) => <Link to={`/claims/${encodeURIComponent(c.id)}`}>{n}</Link> },
          { title: '申请人', dataIndex: 'applicantName' },
          { title: '类别', dataIndex: 'kind', render: claimKind, responsive: ['md'] },
          { title: '状态', dataIndex: 'status', render: (s: string) => <ClaimStatusTag status={s} /> },
          { title: '金额', dataIndex: 'amountYuan', render: (n: number) => yuan(n), responsive: ['sm'] },
          { title: '已发放', dataIndex: 'paidYuan', render: (n: number) => yuan(n), responsive: ['md'] },
          { title: '提交时间', dataIndex: 'submittedAt', render: fmt, responsive: ['md'] },
        ]}
      />
      <Typography.Text type="secondary">按本单位参与办理的申请显示（区应急管理局可查看全部）。</Typography.Text>
    </Card>
  );
}
