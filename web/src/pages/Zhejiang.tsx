/**
 * Zhejiang senior-title review (浙江省安全工程专业高级/正高级工程师评审): sessions, the expert pool, the committee
 * draw, attendance, the expert's one-screen secret ballot, closing the ballot, and the applicant's declaration.
 * Built on the API.md contract; routes not (yet) served answer 404 and the page says the function is not open.
 */
import { useState, type HTMLAttributes } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Form, Input, InputNumber, List, Modal, Radio, Result, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, ApiError } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { CATEGORY, CHANNEL, INELIGIBLE, TITLE_LEVEL, errorText, stage as stageLabel } from '../lib/labels';
import { fmt, fmtDate } from '../lib/time';
import { TimelineView } from '../components';
import type { TimelineEntry, Org } from '../lib/api';

const MEMBER_ROLE: Record<string, string> = { chair: '主任委员', vice_chair: '副主任委员', member: '委员' };
/** the session workflow's phases (workflows/titleSession.ts), and the two issues that hold it */
const SESSION_STATUS: Record<string, string> = {
  accepting: '受理申报',
  pre_review: '评前公示 · 方案报省人力社保厅',
  ready: '待开会（方案已核准，评前公示结束）',
  meeting: '评审会议中',
  interviews: '面试答辩中',
  balloting: '投票中',
  results_publicity: '评审结果公示',
  completed: '已发文，颁发电子证书',
  plan_rejected: '方案未获核准，待重新报送',
  meeting_date_must_move: '须调整会议日期',
};
const VOTE: Record<string, string> = { yes: '赞成', no: '反对', abstain: '弃权' };

interface Session {
  id: string;
  year: number;
  level: string;
  meetingDate: string;
  status: string;
  /** applications by status (counts) */
  applications?: Record<string, number>;
  attending?: number | null;
  latestApprovalOn?: string | null;
  results?: TallyRow[] | null;
  [k: string]: unknown;
}
interface Member { expertId: string; name?: string; subgroup: string; role: string; present?: boolean | null; specialty?: string }
interface Expert { id: string; name: string; specialty: string; title: string; titleSince: string; orgName: string; pool?: string; active?: boolean; username?: string | null; eligible?: boolean; ineligibleReason?: string | null }
interface Committee { seed: string; members: Member[]; drawNo?: number; algorithm?: string; reproduced?: boolean; drawnAt?: string }
interface BallotPaper { open: boolean; closed: boolean; member: boolean; present: boolean; voted: boolean; ballotsCast?: number; attending?: number | null; applicants: { applicationId: string; applicationNo: string; name: string; category: string; employer?: string }[] }
const countOf = (s: Session) => Object.values(s.applications ?? {}).reduce((a, n) => a + n, 0);
interface ApplicationSummary { id: string; applicationNo?: string; name?: string; applicantName?: string; category?: string; channel?: string; status?: string; employerName?: string }
interface TallyRow { applicationId: string; applicationNo?: string; name?: string; yes: number; no: number; abstain: number; attending: number; passed: boolean }

/** 404 on a route of the contract: that part of the title review is not served yet. */
const notOpen = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND' && /route/i.test(e.detail);

function NotOpen({ what }: { what: string }) {
  return <Result status="info" title={`${what}功能尚未开通`} subTitle="职称评审模块正在部署，开通后此页面自动可用。" />;
}

function sessionLabel(s: Pick<Session, 'year' | 'level'>) {
  return `${s.year}年度${TITLE_LEVEL[s.level] ?? s.level}评审`;
}

// ---------------- committee office: sessions ----------------
export function SessionsPage() {
  const { message } = App.useApp();
  const nav = useNavigate();
  const list = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ year: number; level: string; meetingDate: Dayjs }>();
  const [busy, setBusy] = useState(false);
  const create = async (v: { year: number; level: string; meetingDate: Dayjs }) => {
    setBusy(true);
    try {
      const r = await api.post<{ id: string }>('/zhejiang/sessions', { year: v.year, level: v.level, meetingDate: v.meetingDate.format('YYYY-MM-DD') });
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
    <Card title="职称评审会" extra={<Button type="primary" onClick={() => setOpen(true)}>新建评审会</Button>}>
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
          <Form.Item name="meetingDate" label="评审会议日期" rules={[{ required: true, message: '请选择会议日期' }]} extra="方案须在会议10个工作日前报省人力社保厅批准">
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function SessionDetailPage() {
  const { id = '' } = useParams();
  const { message, modal } = App.useApp();
  const s = useLoad(() => api.get<Session>(`/zhejiang/sessions/${encodeURIComponent(id)}`), [id]);
  const committee = useLoad(
    () => api.get<Committee>(`/zhejiang/sessions/${encodeURIComponent(id)}/committee`).catch((e) => (e instanceof ApiError && e.status === 404 ? undefined : Promise.reject(e))),
    [id, s.data],
  );
  const appList = useLoad(() => api.get<ApplicationSummary[]>('/zhejiang/applications', { query: { sessionId: id } }).catch(() => [] as ApplicationSummary[]), [id, s.data]);
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
    return <Result status="warning" title="无法打开评审会" subTitle={errorText(s.error)} />;
  }
  if (!session) return null;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" extra={session.status !== 'accepting' ? null : <Button data-testid="pre-review" loading={busy === 'pre'} onClick={() => modal.confirm({ title: '开始评前公示并报送评审方案？', content: '资格审查通过的人员进行不少于5个工作日的评前公示，评审方案报省人力社保厅批准（须在会议10个工作日前批准）。', okText: '确认', cancelText: '取消', onOk: () => act('pre', async () => { await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/pre-review`, {}); message.success('已开始评前公示并报送方案'); }) })}>评前公示 / 报送方案</Button>}>
        <Descriptions title={sessionLabel(session)} size="small" column={{ xs: 1, md: 4 }}>
          <Descriptions.Item label="会议日期">{fmtDate(session.meetingDate)}</Descriptions.Item>
          <Descriptions.Item label="方案最迟批准日">{fmtDate(session.latestApprovalOn)}</Descriptions.Item>
          <Descriptions.Item label="状态"><Tag color="blue" data-testid="session-status">{SESSION_STATUS[session.status] ?? session.status}</Tag></Descriptions.Item>
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
                onOk: () => act('draw', async () => { await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/committee`, members.length ? { reason: '重新抽取' } : {}); }),
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
            message={<span>抽取种子（可复核）：<Typography.Text code copyable data-testid="draw-seed">{seed}</Typography.Text>{committee.data?.reproduced ? <Tag color="green">已复核：按种子重新抽取结果一致</Tag> : null}</span>}
            description={committee.data?.drawnAt ? `第 ${committee.data.drawNo ?? 1} 次抽取 · ${fmt(committee.data.drawnAt)} · 算法 ${committee.data.algorithm ?? ''}` : undefined}
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
              rowSelection={{ selectedRowKeys: presentIds, onChange: (keys) => setPresent(keys as string[]), columnTitle: '出席', getCheckboxProps: () => ({ disabled: session.status !== 'ready' }) }}
              columns={[
                { title: '专家', key: 'n', render: (_: unknown, m) => m.name ?? m.expertId },
                { title: '专业审议组', dataIndex: 'subgroup', render: (g: string) => CATEGORY[g] ?? g },
                { title: '职务', dataIndex: 'role', render: (r: string) => (r === 'member' ? MEMBER_ROLE[r] : <Tag color="red">{MEMBER_ROLE[r] ?? r}</Tag>) },
              ]}
            />
            <Space style={{ marginTop: 12 }} wrap>
              <Typography.Text data-testid="present-count">已勾选出席 {presentIds.length} 人（不少于17人方可评审）</Typography.Text>
              {session.status !== 'ready' && !session.attending && <Typography.Text type="secondary">会议当天（{fmtDate(session.meetingDate)}）方案核准且评前公示结束后记录出席</Typography.Text>}
              <Button
                type="primary"
                data-testid="record-attendance"
                loading={busy === 'attendance'}
                disabled={!presentIds.length || session.status !== 'ready'}
                onClick={() => act('attendance', async () => { await api.post(`/zhejiang/sessions/${encodeURIComponent(id)}/attendance`, { present: presentIds }); message.success('出席情况已记录'); })}
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
            { title: '申请编号', dataIndex: 'applicationNo', render: (n: string, a) => <Link to={`/zhejiang/applications/${encodeURIComponent(a.id)}`}>{n ?? a.id}</Link> },
            { title: '姓名', key: 'n', render: (_: unknown, a) => a.name ?? a.applicantName ?? '—' },
            { title: '专业', dataIndex: 'category', render: (c: string) => CATEGORY[c] ?? c ?? '—' },
            { title: '渠道', dataIndex: 'channel', render: (c: string) => CHANNEL[c] ?? c ?? '—', responsive: ['md'] },
            { title: '状态', dataIndex: 'status', render: (c: string) => stageLabel(c) },
          ]}
        />
      </Card>
      <Card size="small" title="投票结果" extra={<Link to={`/zhejiang/ballots/${encodeURIComponent(id)}`}>打开投票页</Link>}>
        {session.results?.length ? <TallyTable rows={session.results} names={appName} /> : <Empty description="投票尚未结束（由主任委员或副主任委员宣布结束）" />}
      </Card>
      {Array.isArray(session.timeline) && session.timeline.length ? (
        <Card size="small" title="办理记录">
          <TimelineView entries={session.timeline as TimelineEntry[]} />
        </Card>
      ) : null}
    </Space>
  );
}

function TallyTable({ rows, names }: { rows: TallyRow[]; names: Map<string, ApplicationSummary> }) {
  return (
    <div data-testid="tally">
    <Table<TallyRow>
      size="small"
      rowKey="applicationId"
      dataSource={rows}
      pagination={false}
      scroll={{ x: 560 }}
      onRow={(r) => ({ 'data-application-id': r.applicationId, 'data-testid': 'tally-row' }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: '申报人', key: 'n', render: (_: unknown, r) => r.name ?? names.get(r.applicationId)?.name ?? names.get(r.applicationId)?.applicantName ?? r.applicationNo ?? r.applicationId },
        { title: '赞成', dataIndex: 'yes' },
        { title: '反对', dataIndex: 'no' },
        { title: '弃权', dataIndex: 'abstain' },
        { title: '出席', dataIndex: 'attending' },
        { title: '结果', dataIndex: 'passed', render: (p: boolean) => (p ? <Tag color="green">通过（赞成票达出席人数三分之二以上）</Tag> : <Tag color="red">未通过</Tag>) },
      ]}
    />
    </div>
  );
}

// ---------------- committee office: the expert pool ----------------
export function ExpertsPage() {
  const { message } = App.useApp();
  const list = useLoad(() => api.get<Expert[]>('/zhejiang/experts'), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const add = async (v: { name: string; specialty: string; title: string; titleSince: Dayjs; orgName: string; username?: string }) => {
    setBusy(true);
    try {
      await api.post('/zhejiang/experts', { ...v, username: v.username?.trim() || undefined, titleSince: v.titleSince.format('YYYY-MM-DD') });
      message.success('已加入专家库');
      setOpen(false);
      form.resetFields();
      list.reload();
    } catch (e) {
      message.error(notOpen(e) ? '专家库功能尚未开通' : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (list.error && notOpen(list.error)) return <NotOpen what="专家库" />;
  const rows = list.data ?? [];
  const q = search.trim();
  const shown = q ? rows.filter((e) => e.name.includes(q) || e.orgName.includes(q)) : rows;
  const by = (t: string) => rows.filter((e) => (e.pool ?? e.title) === t && e.active !== false).length;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={12}>
        <Col xs={12} md={6}><Card size="small"><Statistic title="高级评审专家库" value={by('senior')} suffix="/ 50" valueStyle={{ color: by('senior') >= 50 ? '#3f8600' : '#cf1322' }} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="正高级评审专家库" value={by('professor')} suffix="/ 50" valueStyle={{ color: by('professor') >= 50 ? '#3f8600' : '#cf1322' }} /></Card></Col>
      </Row>
      <Card title="评审专家库" extra={<Button type="primary" onClick={() => setOpen(true)}>添加专家</Button>}>
        {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
        <Input.Search allowClear placeholder="按姓名或工作单位查找" value={search} onChange={(e) => setSearch(e.target.value)} style={{ maxWidth: 320, marginBottom: 12 }} data-testid="expert-search" />
        <Table<Expert>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={shown}
          scroll={{ x: 640 }}
          columns={[
            { title: '姓名', dataIndex: 'name' },
            { title: '专业', dataIndex: 'specialty', render: (s: string) => CATEGORY[s] ?? s, filters: Object.entries(CATEGORY).map(([value, text]) => ({ value, text })), onFilter: (v, r) => r.specialty === v },
            { title: '职称', dataIndex: 'title', render: (t: string) => TITLE_LEVEL[t] ?? t },
            { title: '取得时间', dataIndex: 'titleSince', render: fmtDate },
            { title: '工作单位', dataIndex: 'orgName', responsive: ['md'] },
            { title: '资格', key: 'el', render: (_: unknown, e) => (e.eligible === false ? <Tag color="red">{e.ineligibleReason ? (INELIGIBLE[e.ineligibleReason] ?? e.ineligibleReason) : '不符合'}</Tag> : <Tag color="green">符合</Tag>) },
          ]}
        />
        <Typography.Text type="secondary">高级评审专家须取得高级职称满5年，正高级评审专家须取得正高级职称满3年；专家库每3年复核一次。</Typography.Text>
      </Card>
      <Modal title="添加评审专家" open={open} onCancel={() => { setOpen(false); form.resetFields(); }} onOk={() => form.submit()} confirmLoading={busy} okText="添加" cancelText="取消">
        <Form form={form} layout="vertical" onFinish={add} initialValues={{ title: 'senior', specialty: 'safety_science' }}>
          <Form.Item name="name" label="姓名" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="specialty" label="专业" rules={[{ required: true }]}><Select options={Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))} /></Form.Item>
          <Form.Item name="title" label="职称" rules={[{ required: true }]}><Radio.Group options={Object.entries(TITLE_LEVEL).map(([value, label]) => ({ value, label }))} /></Form.Item>
          <Form.Item name="titleSince" label="取得职称日期" rules={[{ required: true }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="orgName" label="工作单位" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="username" label="专家登录账号（选填，投票需要）"><Input /></Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

// ---------------- experts: the ballot ----------------
export function BallotListPage() {
  const list = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  if (list.error && notOpen(list.error)) return <NotOpen what="评审投票" />;
  return (
    <Card title="我的评审会">
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
          { title: '', key: 'go', render: (_: unknown, s) => <Link to={`/zhejiang/ballots/${encodeURIComponent(s.id)}`}>进入投票</Link> },
        ]}
      />
    </Card>
  );
}

/** One screen, every applicant, submit once (无记名投票: the server records that you voted, not how). */
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
    return notOpen(e) ? <NotOpen what="评审投票" /> : <Result status="warning" title="无法打开投票" subTitle={errorText(e)} />;
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
          await api.post(`/zhejiang/sessions/${encodeURIComponent(sessionId)}/ballots`, { votes: apps.map((a) => ({ applicationId: a.applicationId, vote: votes[a.applicationId] })) });
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
      content: '仅主任委员或副主任委员可操作。结束后未投票的委员不能再投票。',
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
      <Card title={<Typography.Text strong style={{ whiteSpace: 'normal' }}>{`${sessionLabel(session)} · 无记名投票`}</Typography.Text>}>
        <Space wrap style={{ marginBottom: 12 }}>
          {status}
          {p.open ? <Button onClick={close} data-testid="close-ballot">结束投票（主任委员）</Button> : null}
        </Space>
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={`请对每位申报人选择赞成、反对或弃权，一次提交。赞成票达到出席委员三分之二以上为通过。不得委托投票或补投。${p.attending ? `出席 ${p.attending} 人，已投 ${p.ballotsCast ?? 0} 票。` : ''}`} />
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
                  <Radio.Group data-testid={`vote-${a.applicationNo}`} value={votes[a.applicationId]} onChange={(e) => setVotes({ ...votes, [a.applicationId]: e.target.value as string })} optionType="button" buttonStyle="solid" options={Object.entries(VOTE).map(([value, label]) => ({ value, label }))} />
                </List.Item>
              )}
            />
            <Space style={{ marginTop: 12 }} wrap>
              <Button type="primary" disabled={!all} onClick={submit} data-testid="ballot-submit">
                提交选票
              </Button>
              {!all && apps.length > 0 && <Typography.Text type="secondary">还有 {apps.filter((a) => !votes[a.applicationId]).length} 人未表决</Typography.Text>}
            </Space>
          </>
        )}
      </Card>
      {(results ?? session.results)?.length ? (
        <Card title="计票结果" data-testid="ballot-results">
          <TallyTable rows={(results ?? session.results)!} names={new Map()} />
        </Card>
      ) : null}
    </Space>
  );
}

// ---------------- applicants: the declaration ----------------
export function TitleApplyPage() {
  const { modal } = App.useApp();
  const nav = useNavigate();
  const sessions = useLoad(() => api.get<Session[]>('/zhejiang/sessions'), []);
  const orgs = useLoad(() => api.get<Org[]>('/orgs', { query: { type: 'enterprise' } }), []);
  const [error, setError] = useState<string>();
  const [form] = Form.useForm();
  const sessionId = Form.useWatch('sessionId', form);
  const chosen = (sessions.data ?? []).find((x) => x.id === sessionId);
  if (sessions.error && notOpen(sessions.error)) return <NotOpen what="职称申报" />;
  const submit = (v: { sessionId: string; category: string; channel: string; employerOrgCode: string; commitment: boolean; summary?: string }) =>
    modal.confirm({
      title: '确认提交职称申报？',
      content: '提交即承诺所提交材料真实有效。单位将在内部公示不少于5个工作日后推荐。',
      okText: '提交',
      cancelText: '取消',
      onOk: async () => {
        setError(undefined);
        try {
          const r = await api.post<{ id: string }>('/zhejiang/applications', {
            sessionId: v.sessionId,
            category: v.category,
            channel: v.channel,
            employerOrgCode: v.employerOrgCode,
            commitment: true,
            ...(v.summary?.trim() ? { materials: { summary: v.summary.trim() } } : {}),
          });
          nav(`/zhejiang/applications/${encodeURIComponent(r.id)}`);
        } catch (e) {
          setError(errorText(e));
        }
      },
    });
  return (
    <Card title="安全工程专业高级 / 正高级工程师职称申报">
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ channel: 'standard', category: 'safety_science' }} style={{ maxWidth: 640 }}>
        <Form.Item name="sessionId" label="评审会" rules={[{ required: true, message: '请选择评审会' }]}>
          <Select loading={sessions.loading} options={(sessions.data ?? []).filter((s) => s.status === 'accepting').map((s) => ({ value: s.id, label: `${sessionLabel(s)}（会议 ${fmtDate(s.meetingDate)}）` }))} notFoundContent="暂无受理中的评审会" />
        </Form.Item>
        <Form.Item name="category" label="评审专业类别" rules={[{ required: true }]}>
          <Radio.Group options={Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item
          name="channel"
          label="申报渠道"
          rules={[{ required: true }, { validator: async (_, v) => { if (v === 'scored' && chosen?.level === 'professor') throw new Error('量化赋分达标渠道仅适用于高级工程师'); } }]}
        >
          <Radio.Group options={Object.entries(CHANNEL).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="employerOrgCode" label="工作单位" rules={[{ required: true, message: '请选择工作单位' }]}>
          <Select showSearch optionFilterProp="label" options={(orgs.data ?? []).map((o) => ({ value: o.code, label: o.name }))} />
        </Form.Item>
        <Form.Item name="summary" label="主要业绩摘要（选填）">
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="commitment" valuePropName="checked" rules={[{ validator: async (_, v) => { if (!v) throw new Error('须承诺所提交材料真实'); } }]}>
          <Checkbox>本人承诺所提交的全部申报材料真实、准确，如有弄虚作假，自愿接受取消评审资格、3年内不得申报等处理。</Checkbox>
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit">提交申报</Button>
      </Form>
    </Card>
  );
}

export function TitleApplicationPage() {
  const { id = '' } = useParams();
  const a = useLoad(() => api.get<Record<string, unknown> & { timeline?: TimelineEntry[] }>(`/zhejiang/applications/${encodeURIComponent(id)}`), [id]);
  if (a.loading && !a.data) return <Card loading />;
  if (a.error) return notOpen(a.error) ? <NotOpen what="职称申报" /> : <Result status="404" title="未找到该申报" subTitle={errorText(a.error)} />;
  const d = a.data!;
  const result = d.result as { yes?: number; no?: number; abstain?: number; attending?: number; passed?: boolean; outcome?: string } | null | undefined;
  const cert = d.certificate as { code: string; grantedOn: string; revokedAt: string | null } | null | undefined;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={`职称申报 ${String(d.applicationNo ?? d.id)}`}>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="状态"><span data-testid="title-status">{stageLabel(String(d.status ?? ''))}</span></Descriptions.Item>
          <Descriptions.Item label="当前环节">{stageLabel(String(d.stage ?? ''))}</Descriptions.Item>
          <Descriptions.Item label="级别">{TITLE_LEVEL[String(d.level)] ?? String(d.level ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="专业">{CATEGORY[String(d.category)] ?? String(d.category ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="渠道">{CHANNEL[String(d.channel)] ?? String(d.channel ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="提交时间">{fmt(d.submittedAt as string | undefined)}</Descriptions.Item>
          {result && <Descriptions.Item label="评审结果"><span data-testid="title-result">{result.passed === true ? <Tag color="green">通过</Tag> : result.passed === false ? <Tag color="red">未通过</Tag> : String(result.outcome ?? '—')}{result.attending ? `赞成 ${result.yes} / 出席 ${result.attending}` : ''}</span></Descriptions.Item>}
          {cert ? (
            <Descriptions.Item label="电子证书">
              <Link to={`/public/certificates/${encodeURIComponent(cert.code)}`} data-testid="certificate-link">{cert.code}</Link>
              {cert.revokedAt ? <Tag color="red" style={{ marginLeft: 8 }}>已撤销</Tag> : null}
            </Descriptions.Item>
          ) : null}
          {d.closeReason ? <Descriptions.Item label="说明">{String(d.closeReason)}</Descriptions.Item> : null}
        </Descriptions>
      </Card>
      {d.status === 'supplement_requested' && <TitleSupplementCard id={String(d.id ?? id)} timeline={d.timeline ?? []} onDone={a.reload} />}
      <Card title="办理记录">
        <TimelineView entries={d.timeline ?? []} />
      </Card>
    </Space>
  );
}

/** The applicant answers a request for supplementary materials (补正) on the title application. */
function TitleSupplementCard({ id, timeline, onDone }: { id: string; timeline: TimelineEntry[]; onDone: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const request = [...timeline].reverse().find((e) => e.event === 'supplement_requested');
  const submit = async (v: { comment?: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/zhejiang/applications/${encodeURIComponent(id)}/supplement`, { comment: v.comment?.trim() || undefined });
      message.success('补正材料已提交，审核继续');
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title="补正材料" data-testid="title-supplement-card">
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="审核部门要求补正材料，办理时限暂停" description={request?.comment ?? undefined} />
      {error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} message={errorText(error)} /> : null}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="comment" label="补正说明" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={3} data-testid="title-supplement-comment" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="title-supplement-submit">
          提交补正材料
        </Button>
      </Form>
    </Card>
  );
}
