import { Col, DatePicker, Form, Input, Radio, Row } from 'antd';
import type { Dayjs } from 'dayjs';
import { LEVEL, LEVEL_AMOUNT } from '../../lib/labels';
import type { ApplicationPeriod } from '../ApplicationPeriods';
import { d, windowEnd, type ClaimKind } from './values';

/**
 * 证书信息: the certificate's number, level and dates. A certificate claim is taken in the bureau's concentrated
 * application period when one is published, else within six months of receiving the certificate.
 */
export function CertificateFields({
  kind,
  period,
  today,
  receivedOn,
}: {
  kind: ClaimKind;
  period: ApplicationPeriod | null;
  today: string;
  receivedOn: Dayjs | undefined;
}) {
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Form.Item name="certNumber" label="证书编号" rules={[{ required: true, whitespace: true, message: '请输入证书编号' }, { max: 64 }]}>
          <Input data-testid="cert-number" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name="level"
          label="证书级别"
          rules={[
            { required: true, message: '请选择证书级别' },
            {
              validator: async (_, v) => {
                if (kind === 'shortage_talent' && v && v !== 'intermediate') throw new Error('紧缺人才奖励仅限中级注册安全工程师');
              },
            },
          ]}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={Object.entries(LEVEL).map(([value, label]) => ({ value, label: `${label}（${LEVEL_AMOUNT[value]?.toLocaleString()}元）` }))}
            data-testid="level-radio"
          />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name="issuedOn"
          label="发证日期"
          rules={[
            { required: true, message: '请选择发证日期' },
            {
              validator: async (_, v?: Dayjs) => {
                if (v && d(v)! < '2019-01-01') throw new Error('证书须为2019年起取得');
              },
            },
          ]}
        >
          <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.format('YYYY-MM-DD') > today} data-testid="issued-on" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name="receivedOn"
          label="证书领取日期"
          dependencies={['issuedOn']}
          extra={
            kind === 'certificate' && period
              ? `本年度集中申请期 ${period.startsOn} 至 ${period.endsOn}，受理 ${period.receivedFrom} 及以后领取的证书`
              : receivedOn
                ? `申请期限：领取后6个月内，至 ${windowEnd(d(receivedOn)!)}`
                : '证书领取后6个月内申请'
          }
          rules={[
            { required: true, message: '请选择领取日期' },
            ({ getFieldValue }) => ({
              validator: async (_, v?: Dayjs) => {
                if (!v) return;
                const issued = d(getFieldValue('issuedOn') as Dayjs | undefined);
                if (issued && d(v)! < issued) throw new Error('领取日期不能早于发证日期');
                if (d(v)! > today) throw new Error('领取日期不能晚于今天');
                if (kind === 'certificate' && period && d(v)! < period.receivedFrom)
                  throw new Error(`本年度集中申请期受理 ${period.receivedFrom} 及以后领取的证书`);
                if (kind === 'certificate' && !period && windowEnd(d(v)!) < today) throw new Error(`已超过证书领取后6个月的申请期限（${windowEnd(d(v)!)}）`);
              },
            }),
          ]}
        >
          <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.format('YYYY-MM-DD') > today} data-testid="received-on" />
        </Form.Item>
      </Col>
    </Row>
  );
}
