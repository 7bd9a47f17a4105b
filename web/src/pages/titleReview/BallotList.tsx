/** The expert's sessions (我的评审会). */
import { Link } from 'react-router-dom';
import { Alert, Card, Table, Tag } from 'antd';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { errorText } from '../../lib/labels';
import { fmtDate } from '../../lib/time';
import { SESSION_STATUS, type Session, notOpen, NotOpen, sessionLabel } from './shared';
import { PageTitle } from '../../components';

export function BallotListPage() {
  const list = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  if (list.error && notOpen(list.error)) return <NotOpen what="评审投票" />;
  return (
    <Card title={<PageTitle>我的评审会</PageTitle>}>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Session>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        locale={{ emptyText: '暂无需要参加的评审会' }}
        columns={[
          { title: '评审会', key: 'n', render: (_: unknown, s) => sessionLabel(s) },
          { title: '会议日期', dataIndex: 'meetingDate', render: fmtDate },
          { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color="blue">{SESSION_STATUS[s] ?? s}</Tag> },
          {
            title: <span className="sr-only">操作</span>,
            key: 'go',
            render: (_: unknown, s) => <Link to={`/zhejiang/ballots/${encodeURIComponent(s.id)}`}>进入投票</Link>,
          },
        ]}
      />
    </Card>
  );
}

/** One screen, every applicant, submit once (无记名投票: the server records that you voted, not how). */
