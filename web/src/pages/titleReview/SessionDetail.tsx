/** One title-review session: the applications, the committee draw, attendance, interviews and the count. */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, Modal, Result, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CATEGORY, CHANNEL, errorText, stage as stageLabel } from '../../lib/labels';
import { fmt, fmtDate } from '../../lib/time';
import { TimelineView, PageTitle } from '../../components';
import type { TimelineEntry } from '../../lib/api';
import { useAuth } from '../../auth';
import {
  MEMBER_ROLE,
  SESSION_STATUS,
  type Session,
  type Member,
  type Committee,
  countOf,
  type ApplicationSummary,
  notOpen,
  NotOpen,
  sessionLabel,
  TallyTable,
} from './shared';

export function SessionDetailPage() {
  const { id = '' } = useParams();
  const { message, modal } = App.useApp();
  const s = useLoad(() => api.get<Session>(`/zhejiang/sessions/${encodeURIComponent(id)}`), [id]);
  const { has } = useAuth();
  // the committee is asked for only once the session says one has been drawn (and only by those who may see it)
  const drawn = s.data?.committeeDrawn === true && has('committee_office', 'admin', 'auditor');
  const committee = useLoad(
    () => (drawn ? api.get<Committee>(`/zhejiang/sessions/${encodeURIComponent(id)}/committee`) : Promise.resolve(undefined)),
    [id, s.data, drawn],
  );
  const appList = useLoad(
    () => api.get<ApplicationSummary[]>('/zhejiang/applications', { query: { sessionId: id } }).catch(() => [] as ApplicationSummary[]),
    [id, s.data],
  );
  const [present, setPresent] = useState<string[]>();
  const [interviewing, setInterviewing] = useState<ApplicationSummary>();
  const [interviewForm] = Form.useForm<{ summary: string }>();
  const [busy, setBusy] = useState<string>();
  const session = s.data;
  const members: Member[] = committee.data?.members ?? [];
  const seed = committee.data?.seed ?? null;
  const presentIds = present ?? members.filter((m) => m.present).map((m) => m.expertId);
  const apps = appList.data ?? [];
  const appName = new Map(apps.map((a) => [a.id, a]));

  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    try {
      await fn();
      s.reload();
    } catch (e) {
      message.error(notOpen(e) ? '该功能尚未开通' : errorText(e));
    } finally {
      setBusy(undefined);
    }
  };

  if (s.loading && !session) return <Card loading />;
  if (s.error) {
    if (notOpen(s.error)) return <NotOpen what="评审会" />;
    return <Result status="warning" title={<h1>无法打开评审会</h1>} subTitle={errorText(s.error)} />;
  }
  if (!session) return null;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        extra={
          session.status !== 'accepting' ? null : (
            <Button
              data-testid="pre-review"
              loading={busy === 'pre'}
              onClick={() =>
                modal.confirm({
                  title: '开始评前公示并报送评审方案？',
                  content: '资格审查通过的人员进行不少于5个工作日的评前公示，评审方案报省人力社保厅批准（须在会议10个工作日前批准）。',
                  okText: '确认',
                  cancelText: '取消',
                  onOk: () =>
                    act('pre', async () => {
                      await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/pre-review`, {});
                      message.success('已开始评前公示并报送方案');
                    }),
                })
              }
            >
              评前公示 / 报送方案
            </Button>
          )
        }
      >
        <Descriptions title={<PageTitle>{sessionLabel(session)}</PageTitle>} size="small" column={{ xs: 1, md: 4 }}>
          <Descriptions.Item label="会议日期">{fmtDate(session.meetingDate)}</Descriptions.Item>
          <Descriptions.Item label="方案最迟批准日">{fmtDate(session.latestApprovalOn)}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <Tag color="blue" data-testid="session-status">
              {SESSION_STATUS[session.status] ?? session.status}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label="申报人数">{countOf(session)}</Descriptions.Item>
          <Descriptions.Item label="出席人数">{session.attending ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        size="small"
        title="执行评审委员会（随机抽取）"
        extra={
          <Button
            type="primary"
            data-testid="draw-committee"
            loading={busy === 'draw'}
            disabled={!['pre_review', 'ready'].includes(session.status)}
            title={['pre_review', 'ready'].includes(session.status) ? undefined : '评前公示开始后、会议开始前抽取'}
            onClick={() =>
              modal.confirm({
                title: members.length ? '重新抽取评审委员会？' : '从专家库随机抽取评审委员会？',
                content: '按专业随机抽取（不少于17人），抽取种子和专家库快照将记录备查，可复核。',
                okText: '抽取',
                cancelText: '取消',
                onOk: () =>
                  act('draw', async () => {
                    await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/committee`, members.length ? { reason: '重新抽取' } : {});
                  }),
              })
            }
          >
            {members.length ? '重新抽取' : '抽取评委会'}
          </Button>
        }
      >
        {seed && (
          <Alert
            type={committee.data?.reproduced === false ? 'error' : 'info'}
            showIcon
            style={{ marginBottom: 12 }}
            message={
              <span>
                抽取种子（可复核）：
                <Typography.Text code copyable data-testid="draw-seed">
                  {seed}
                </Typography.Text>
                {committee.data?.reproduced ? <Tag color="green">已复核：按种子重新抽取结果一致</Tag> : null}
              </span>
            }
            description={
              committee.data?.drawnAt
                ? `第 ${committee.data.drawNo ?? 1} 次抽取 · ${fmt(committee.data.drawnAt)} · 算法 ${committee.data.algorithm ?? ''}`
                : undefined
            }
          />
        )}
        {members.length ? (
          <>
            <Table<Member>
              size="small"
              rowKey="expertId"
              dataSource={members}
              pagination={false}
              scroll={{ x: 560 }}
              rowSelection={{
                selectedRowKeys: presentIds,
                onChange: (keys) => setPresent(keys as string[]),
                columnTitle: '出席',
                getCheckboxProps: () => ({ disabled: session.status !== 'ready' }),
              }}
              columns={[
                { title: '专家', key: 'n', render: (_: unknown, m) => m.name ?? m.expertId },
                { title: '专业审议组', dataIndex: 'subgroup', render: (g: string) => CATEGORY[g] ?? g },
                { title: '职务', dataIndex: 'role', render: (r: string) => (r === 'member' ? MEMBER_ROLE[r] : <Tag color="red">{MEMBER_ROLE[r] ?? r}</Tag>) },
              ]}
            />
            <Space style={{ marginTop: 12 }} wrap>
              <Typography.Text data-testid="present-count">已勾选出席 {presentIds.length} 人（不少于17人方可评审）</Typography.Text>
              {session.status !== 'ready' && !session.attending && (
                <Typography.Text type="secondary">会议当天（{fmtDate(session.meetingDate)}）方案核准且评前公示结束后记录出席</Typography.Text>
              )}
              <Button
                type="primary"
                data-testid="record-attendance"
                loading={busy === 'attendance'}
                disabled={!presentIds.length || session.status !== 'ready'}
                onClick={() =>
                  act('attendance', async () => {
                    await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/attendance`, { present: presentIds });
                    message.success('出席情况已记录');
                  })
                }
              >
                记录出席
              </Button>
            </Space>
          </>
        ) : (
          <Empty description={committee.error ? errorText(committee.error) : '尚未抽取评审委员会'} />
        )}
      </Card>
      {session.level === 'professor' && ['ready', 'meeting', 'interviews'].includes(session.status) && (
        <Card size="small" title="面试答辩（正高级评审）" data-testid="interviews">
          <Typography.Paragraph type="secondary">正高级工程师评审在定性评价基础上进行面试答辩；全部申报人答辩记录完成后开始投票。</Typography.Paragraph>
          <Space wrap>
            {apps
              .filter((a) => !['rejected', 'withdrawn', 'deferred', 'disqualified'].includes(a.status ?? ''))
              .map((a) => (
                <Button key={a.id} onClick={() => setInterviewing(a)} data-testid={`interview-${a.applicationNo}`}>
                  记录答辩：{a.name ?? a.applicantName}
                </Button>
              ))}
          </Space>
          <Modal
            title={`面试答辩记录：${interviewing?.name ?? interviewing?.applicantName ?? ''}`}
            open={!!interviewing}
            onCancel={() => setInterviewing(undefined)}
            onOk={() => interviewForm.submit()}
            confirmLoading={busy === 'interview'}
            okText="保存"
            cancelText="取消"
          >
            <Form
              form={interviewForm}
              layout="vertical"
              onFinish={(v: { summary: string }) =>
                act('interview', async () => {
                  await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/interviews`, { applicationId: interviewing!.id, summary: v.summary.trim() });
                  message.success('已记录面试答辩');
                  setInterviewing(undefined);
                  interviewForm.resetFields();
                })
              }
            >
              <Form.Item name="summary" label="答辩情况" rules={[{ required: true, whitespace: true, message: '请填写答辩情况' }, { max: 2000 }]}>
                <Input.TextArea rows={4} placeholder="如：答辩陈述清晰，回答专家提问准确" />
              </Form.Item>
            </Form>
          </Modal>
        </Card>
      )}
      <Card size="small" title="申报人员">
        <Table<ApplicationSummary>
          size="small"
          rowKey="id"
          dataSource={apps}
          pagination={false}
          scroll={{ x: 560 }}
          locale={{ emptyText: '暂无申报' }}
          columns={[
            {
              title: '申请编号',
              dataIndex: 'applicationNo',
              render: (n: string, a) => <Link to={`/zhejiang/applications/${encodeURIComponent(a.id)}`}>{n ?? a.id}</Link>,
            },
            { title: '姓名', key: 'n', render: (_: unknown, a) => a.name ?? a.applicantName ?? '—' },
            { title: '专业', dataIndex: 'category', render: (c: string) => CATEGORY[c] ?? c ?? '—' },
            { title: '渠道', dataIndex: 'channel', render: (c: string) => CHANNEL[c] ?? c ?? '—', responsive: ['md'] },
            { title: '状态', dataIndex: 'status', render: (c: string) => stageLabel(c) },
          ]}
        />
      </Card>
      <Card size="small" title="投票结果" extra={<Link to={`/zhejiang/ballots/${encodeURIComponent(id)}`}>打开投票页</Link>}>
        {session.results?.length ? (
          <TallyTable rows={session.results} names={appName} />
        ) : (
          <Empty description="投票尚未结束（由主任委员或副主任委员宣布结束）" />
        )}
      </Card>
      {Array.isArray(session.timeline) && session.timeline.length ? (
        <Card size="small" title="办理记录">
          <TimelineView entries={session.timeline as TimelineEntry[]} />
        </Card>
      ) : null}
    </Space>
  );
}
