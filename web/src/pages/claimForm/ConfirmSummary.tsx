import { Descriptions } from 'antd';
import { level as levelLabel } from '../../lib/labels';
import { yuan } from '../../lib/time';
import { MATERIAL_KIND, type MaterialItem } from '../../materials';
import { d, type ClaimFormValues, type ClaimKind } from './values';

/** What the applicant is about to submit, shown in the confirmation dialog (请核对申请信息). */
export function ConfirmSummary({
  kind,
  v,
  applicantName,
  employerName,
  files,
  amount,
}: {
  kind: ClaimKind;
  v: ClaimFormValues;
  applicantName: string | undefined;
  employerName: string;
  files: MaterialItem[];
  amount: number;
}) {
  return (
    <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }}>
      <Descriptions.Item label="申请类别">{kind === 'certificate' ? '资格证书奖励' : '紧缺人才奖励'}</Descriptions.Item>
      <Descriptions.Item label="申请人">{applicantName}</Descriptions.Item>
      <Descriptions.Item label="身份证号码">{v.idNumber.trim().toUpperCase()}</Descriptions.Item>
      <Descriptions.Item label="工作单位">{employerName}</Descriptions.Item>
      <Descriptions.Item label="证书">{`${levelLabel(v.level)} · ${v.certNumber}`}</Descriptions.Item>
      <Descriptions.Item label="发证 / 领取">{`${d(v.issuedOn)} / ${d(v.receivedOn)}`}</Descriptions.Item>
      <Descriptions.Item label="申请材料">{`${files.length} 份（${Object.keys(MATERIAL_KIND)
        .filter((k) => files.some((f) => f.kind === k))
        .map((k) => MATERIAL_KIND[k])
        .join('、')}）`}</Descriptions.Item>
      <Descriptions.Item label="申请金额">
        <b style={{ color: '#cf1322' }}>{yuan(amount)}</b>
        {kind === 'shortage_talent' ? '（分三年：3,000 / 3,000 / 4,000 元）' : ''}
      </Descriptions.Item>
    </Descriptions>
  );
}
