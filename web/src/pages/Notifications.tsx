/** 消息: the caller's notifications (GET /api/v1/notifications), newest first; opening one marks it read. */
import { useState } from 'react';
import { ListRow } from '../ListRow';
import { Link } from 'react-router-dom';
import { Alert, Badge, Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { notifyUnreadChanged } from '../lib/unread';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  subject: { type: string; id: string; ref: string | null } | null;
  createdAt: string;
  readAt: string | null;
}

const KIND: Record<string, { label: string; color: string }> = {
  task_arrived: { label: '新待办', color: 'blue' },
  deadline_warning: { label: '期限提醒', color: 'orange' },
  task_decided: { label: '办理结果', color: 'green' },
  supplement_requested: { label: '补正通知', color: 'gold' },
  paid: { label: '发放通知', color: 'green' },
  publicity_started: { label: '公示通知', color: 'purple' },
  objection_answered: { label: '异议答复', color: 'magenta' },
};

function subjectLink(n: Notification): string | null {
  if (!n.subject) return null;
  if (n.subject.type === 'nanxun_claim') return `/claims/${n.subject.id}`;
  if (n.subject.type === 'title_application') return `/zhejiang/applications/${n.subject.id}`;
  if (n.subject.type === 'notice') return '/public/notices';
  return null;
}

export function NotificationsPage() {
  const [filter, setFilter] = useState<'unread' | 'all'>('unread');
  const { data, error, loading, reload } = useLoad(() => api.get<Notification[]>(`/notifications${filter === 'unread' ? '?unread=true' : ''}`), [filter]);
  const read = async (n: Notification) => {
    if (n.readAt) return;
    await api.post(`/notifications/${n.id}/read`);
    notifyUnreadChanged();
    reload();
  };
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>消息</h1>}
      extra={
        <Segmented
          aria-label="显示哪些消息"
          value={filter}
          onChange={(v) => setFilter(v as 'unread' | 'all')}
          options={[
            { label: '未读', value: 'unread' },
            { label: '全部', value: 'all' },
          ]}
        />
      }
    >
      {error ? <Alert type="error" showIcon message="消息加载失败" description={String((error as Error).message ?? error)} /> : null}
      <List
        loading={loading}
        dataSource={data ?? []}
        locale={{ emptyText: filter === 'unread' ? '没有未读消息' : '暂无消息' }}
        renderItem={(n) => {
          const link = subjectLink(n);
          const kind = KIND[n.kind] ?? { label: n.kind, color: 'default' };
          return (
            <List.Item
              data-testid="notification"
              actions={[
                link ? (
                  <Link key="open" to={link} onClick={() => void read(n)}>
                    查看{n.subject?.ref ? ` ${n.subject.ref}` : ''}
                  </Link>
                ) : null,
                !n.readAt ? (
                  <Button key="read" size="small" onClick={() => void read(n)} aria-label={`标为已读：${n.title}`}>
                    标为已读
                  </Button>
                ) : null,
              ].filter(Boolean)}
            >
              <ListRow
                title={
                  <Space wrap>
                    {!n.readAt ? <Badge status="processing" text="未读" /> : null}
                    <Tag color={kind.color}>{kind.label}</Tag>
                    <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
                  </Space>
                }
                description={
                  <>
                    <div>{n.body}</div>
                    <Typography.Text type="secondary">{new Date(n.createdAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}</Typography.Text>
                  </>
                }
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
