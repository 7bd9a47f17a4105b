/** What the title-review pages share: response shapes, labels, the not-yet-open notice. */
import type { HTMLAttributes } from 'react';
import { Result, Table, Tag } from 'antd';
import { ApiError } from '../../lib/api';
import { TITLE_LEVEL } from '../../lib/labels';

export const MEMBER_ROLE: Record<string, string> = { chair: '主任委员', vice_chair: '副主任委员', member: '委员' };
export { SESSION_STATUS } from '../../lib/labels';
export const VOTE: Record<string, string> = { yes: '赞成', no: '反对', abstain: '弃权' };

export interface Session {
  id: string;
  year: number;
  level: string;
  meetingDate: string;
  status: string;
  /** applications by status (counts) */
  applications?: Record<string, number>;
  attending?: number | null;
  committeeDrawn?: boolean;
  latestApprovalOn?: string | null;
  results?: TallyRow[] | null;
  [k: string]: unknown;
}
export interface Member {
  expertId: string;
  name?: string;
  subgroup: string;
  role: string;
  present?: boolean | null;
  specialty?: string;
}
export interface Expert {
  id: string;
  name: string;
  specialty: string;
  title: string;
  titleSince: string;
  orgName: string;
  pool?: string;
  active?: boolean;
  username?: string | null;
  eligible?: boolean;
  ineligibleReason?: string | null;
}
export interface Committee {
  seed: string;
  members: Member[];
  drawNo?: number;
  algorithm?: string;
  reproduced?: boolean;
  drawnAt?: string;
}
export interface BallotPaper {
  open: boolean;
  closed: boolean;
  member: boolean;
  present: boolean;
  voted: boolean;
  ballotsCast?: number;
  attending?: number | null;
  /** the ballot threshold option: the caller's key share (never its value) and how many are presented */
  shares?: { threshold: boolean; holder: number | null; collected: boolean; presented: boolean; sharesPresented: number; needed: number };
  applicants: { applicationId: string; applicationNo: string; name: string; category: string; employer?: string }[];
}
export const countOf = (s: Session) => Object.values(s.applications ?? {}).reduce((a, n) => a + n, 0);
export interface ApplicationSummary {
  id: string;
  applicationNo?: string;
  name?: string;
  applicantName?: string;
  category?: string;
  channel?: string;
  status?: string;
  employerName?: string;
}
export interface TallyRow {
  applicationId: string;
  applicationNo?: string;
  name?: string;
  yes: number;
  no: number;
  abstain: number;
  attending: number;
  passed: boolean;
}

/** 404 on a route of the contract: that part of the title review is not served yet. */
export const notOpen = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND' && /route/i.test(e.detail);

export function NotOpen({ what }: { what: string }) {
  return <Result status="info" title={<h1>{`${what}功能尚未开通`}</h1>} subTitle="职称评审模块正在部署，开通后此页面自动可用。" />;
}

export function sessionLabel(s: Pick<Session, 'year' | 'level'>) {
  return `${s.year}年度${TITLE_LEVEL[s.level] ?? s.level}评审`;
}

export function TallyTable({ rows, names }: { rows: TallyRow[]; names: Map<string, ApplicationSummary> }) {
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
          {
            title: '申报人',
            key: 'n',
            render: (_: unknown, r) =>
              r.name ?? names.get(r.applicationId)?.name ?? names.get(r.applicationId)?.applicantName ?? r.applicationNo ?? r.applicationId,
          },
          { title: '赞成', dataIndex: 'yes' },
          { title: '反对', dataIndex: 'no' },
          { title: '弃权', dataIndex: 'abstain' },
          { title: '出席', dataIndex: 'attending' },
          {
            title: '结果',
            dataIndex: 'passed',
            render: (p: boolean) => (p ? <Tag color="green">通过（赞成票达出席人数三分之二以上）</Tag> : <Tag color="red">未通过</Tag>),
          },
        ]}
      />
    </div>
  );
}
