/**
 * 依据 of a title application (GET /zhejiang/applications/:id → policy, and the task page's subject summary): the pass
 * threshold and the ban of the edition it was submitted under, and each publicity's period with the edition its
 * working days came from.
 */
import { Descriptions } from 'antd';
import type { PolicyBasis } from '../../lib/api';
import { fmtDate } from '../../lib/time';

export interface TitlePolicy {
  edition: { id: string; title: string; effectiveFrom: string };
  passFraction: PolicyBasis & { value: string };
  banYears: PolicyBasis & { value: number };
  publicity: { noticeId: string; kind: string; startsAt: string | null; endsOn: string; workingDays: number; policy: PolicyBasis | null }[];
}

const NOTICE_KIND: Record<string, string> = {
  unit_publicity: '单位内部公示',
  pre_review: '评前公示',
  results: '评审结果公示',
  misconduct: '违纪处理结果公示',
};

const fractionZh = (f: string) => (f === '2/3' ? '三分之二' : f);

export function TitlePolicyBasis({ policy }: { policy: TitlePolicy | undefined | null }) {
  if (!policy) return null;
  return (
    <Descriptions bordered size="small" column={1} data-testid="title-policy-basis">
      <Descriptions.Item label="通过条件">
        获得出席委员{fractionZh(policy.passFraction.value)}以上赞成票。
        <span data-testid="pass-basis">{policy.passFraction.basis}</span>
      </Descriptions.Item>
      <Descriptions.Item label="违纪处理">
        从次年起{policy.banYears.value}年内不得申报。<span data-testid="ban-basis">{policy.banYears.basis}</span>
      </Descriptions.Item>
      {policy.publicity.map((n) => (
        <Descriptions.Item key={n.noticeId} label={NOTICE_KIND[n.kind] ?? '公示'}>
          {n.workingDays}个工作日，至 {fmtDate(n.endsOn)}。
          <span data-testid="publicity-basis">{n.policy ? n.policy.basis : '（依据未记录：本公示早于政策版本管理）'}</span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}
