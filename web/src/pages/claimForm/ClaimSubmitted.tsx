import { useNavigate } from 'react-router-dom';
import { Button, Card, Result } from 'antd';
import { yuan } from '../../lib/time';

/** The answer once the claim is submitted: its application number and where to follow it. */
export function ClaimSubmitted({ created }: { created: { id: string; applicationNo: string; amountYuan: number } }) {
  const nav = useNavigate();
  return (
    <Card>
      <Result
        status="success"
        title={<h1>申请已提交</h1>}
        subTitle={
          <span>
            申请编号 <b data-testid="created-application-no">{created.applicationNo}</b>，申请金额 {yuan(created.amountYuan)}
            。已送所在单位审核，请留意办理进度。
          </span>
        }
        extra={[
          <Button type="primary" key="view" onClick={() => nav(`/claims/${encodeURIComponent(created.id)}`)}>
            查看办理进度
          </Button>,
          <Button key="list" onClick={() => nav('/my/claims')}>
            我的申请
          </Button>,
        ]}
      />
    </Card>
  );
}
