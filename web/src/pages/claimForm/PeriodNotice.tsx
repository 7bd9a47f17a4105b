import { Alert } from 'antd';
import type { ApplicationPeriod } from '../ApplicationPeriods';
import type { ClaimKind } from './values';

/** Above the form: this year's concentrated application period (证书奖励), or the terms of 紧缺人才奖励. */
export function PeriodNotice({ kind, period, today }: { kind: ClaimKind; period: ApplicationPeriod | null; today: string }) {
  return (
    <>
      {kind === 'certificate' && period && (
        <Alert
          type={today < period.startsOn || today > period.endsOn ? 'warning' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="application-period"
          message={`${period.year}年度证书奖励金集中申请期：${period.startsOn} 至 ${period.endsOn}（区应急管理局公告）`}
          description={`${period.receivedFrom} 及以后领取证书的，可在此期间申请。${today < period.startsOn ? '集中申请期尚未开始。' : today > period.endsOn ? '本年度集中申请期已结束。' : ''}`}
        />
      )}
      {kind === 'shortage_talent' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message="紧缺人才奖励：企业首次引入的中级注册安全工程师，劳动合同3年及以上，缴纳社保和个税满1年，奖励1万元，分三年发放（3000、3000、4000元），每人限申请一次。"
        />
      )}
    </>
  );
}
