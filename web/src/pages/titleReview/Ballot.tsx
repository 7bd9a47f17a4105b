/** The expert's one-screen secret ballot, and closing it (chair or vice-chair). */
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, App, Button, Card, List, Radio, Result, Space, Tag, Typography } from 'antd';
import { api, ApiError } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CATEGORY, errorText } from '../../lib/labels';
import { VOTE, type Session, type BallotPaper, type TallyRow, notOpen, NotOpen, sessionLabel, TallyTable } from './shared';
import { PageTitle } from '../../components';
import { BallotShareCard } from './BallotShare';

export function BallotPage() {
  const { sessionId = '' } = useParams();
  const { modal, message } = App.useApp();
  const s = useLoad(() => api.get<Session>(`/zhejiang/sessions/${encodeURIComponent(sessionId)}`), [sessionId]);
  const paper = useLoad(() => api.get<BallotPaper>(`/zhejiang/sessions/${encodeURIComponent(sessionId)}/ballot`), [sessionId]);
  const [votes, setVotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const [results, setResults] = useState<TallyRow[]>();
  const [error, setError] = useState<string>();
  if ((s.loading && !s.data) || (paper.loading && !paper.data)) return <Card loading />;
  if (s.error || paper.error) {
    const e = s.error ?? paper.error;
    return notOpen(e) ? <NotOpen what="评审投票" /> : <Result status="warning" title={<h1>无法打开投票</h1>} subTitle={errorText(e)} />;
  }
  const session = s.data!;
  const p = paper.data!;
  const apps = p.applicants;
  const all = apps.length > 0 && apps.every((a) => votes[a.applicationId]);
  const count = (v: string) => Object.values(votes).filter((x) => x === v).length;
  const submit = () =>
    modal.confirm({
      title: '确认提交选票？',
      content: `共 ${apps.length} 名申报人：赞成 ${count('yes')}，反对 ${count('no')}，弃权 ${count('abstain')}。选票提交后不能修改，系统只记录您已投票，不记录您的具体投票。`,
      okText: '提交选票',
      cancelText: '再看看',
      onOk: async () => {
        setError(undefined);
        try {
          await api.post(`/zhejiang/sessions/${encodeURIComponent(sessionId)}/ballots`, {
            votes: apps.map((a) => ({ applicationId: a.applicationId, vote: votes[a.applicationId] })),
          });
          setDone(true);
          message.success('选票已提交');
          paper.reload();
        } catch (e) {
          if (e instanceof ApiError && e.code === 'ALREADY_VOTED') setDone(true);
          setError(errorText(e));
        }
      },
    });
  const close = () =>
    modal.confirm({
      title: '宣布投票结束并计票？',
      content: p.shares?.threshold
        ? '仅主任委员或副主任委员可操作；须已有两人出示密钥份额。结束后未投票的委员不能再投票。'
        : '仅主任委员或副主任委员可操作。结束后未投票的委员不能再投票。',
      okText: '结束投票',
      cancelText: '取消',
      onOk: async () => {
        try {
          const r = await api.post<{ results: TallyRow[] }>(`/zhejiang/sessions/${encodeURIComponent(sessionId)}/close-ballot`, {});
          setResults(r.results);
          paper.reload();
        } catch (e) {
          message.error(errorText(e));
        }
      },
    });
  const status = p.closed ? <Tag>投票已结束</Tag> : p.open ? <Tag color="green">投票进行中</Tag> : <Tag>投票未开始</Tag>;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={<PageTitle style={{ whiteSpace: 'normal' }}>{`${sessionLabel(session)} · 无记名投票`}</PageTitle>}>
        <Space wrap style={{ marginBottom: 12 }}>
          {status}
          {p.open ? (
            <Button onClick={close} data-testid="close-ballot">
              结束投票（主任委员）
            </Button>
          ) : null}
        </Space>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={`请对每位申报人选择赞成、反对或弃权，一次提交。赞成票达到出席委员三分之二以上为通过。不得委托投票或补投。${p.attending ? `出席 ${p.attending} 人，已投 ${p.ballotsCast ?? 0} 票。` : ''}`}
        />
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="ballot-error" />}
        {!p.member ? (
          <Result status="info" title="您不是本次评审会的委员" />
        ) : done || p.voted ? (
          <div data-testid="ballot-done">
            <Result status="success" title="您已完成投票" subTitle="投票结束后由主任委员宣布结果。" />
          </div>
        ) : !p.open ? (
          <Result status="info" title={p.closed ? '投票已结束' : '投票尚未开始'} />
        ) : !p.present ? (
          <Result status="warning" title="您未登记出席，不能投票" />
        ) : (
          <>
            {/* one screen, every applicant: a list that reads the same on a phone and at a desk */}
            <List
              bordered
              dataSource={apps}
              locale={{ emptyText: '暂无申报人' }}
              renderItem={(a) => (
                <List.Item key={a.applicationId} style={{ flexWrap: 'wrap', gap: 8 }}>
                  <div style={{ minWidth: 0, flex: '1 1 220px' }}>
                    <Typography.Text strong>{a.name}</Typography.Text>
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {a.applicationNo} · {CATEGORY[a.category] ?? a.category}
                      {a.employer ? ` · ${a.employer}` : ''}
                    </Typography.Text>
                  </div>
                  <Radio.Group
                    data-testid={`vote-${a.applicationNo}`}
                    value={votes[a.applicationId]}
                    onChange={(e) => setVotes({ ...votes, [a.applicationId]: e.target.value as string })}
                    optionType="button"
                    buttonStyle="solid"
                    options={Object.entries(VOTE).map(([value, label]) => ({ value, label }))}
                  />
                </List.Item>
              )}
            />
            <Space style={{ marginTop: 12 }} wrap>
              <Button type="primary" disabled={!all} onClick={submit} data-testid="ballot-submit">
                提交选票
              </Button>
              {!all && apps.length > 0 && (
                <Typography.Text type="secondary">还有 {apps.filter((a) => !votes[a.applicationId]).length} 人未表决</Typography.Text>
              )}
            </Space>
          </>
        )}
      </Card>
      <BallotShareCard sessionId={sessionId} paper={p} reload={paper.reload} />
      {(results ?? session.results)?.length ? (
        <Card title="计票结果" data-testid="ballot-results">
          <TallyTable rows={(results ?? session.results)!} names={new Map()} />
        </Card>
      ) : null}
    </Space>
  );
}

// ---------------- applicants: the declaration ----------------
