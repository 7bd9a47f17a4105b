import { Col, DatePicker, Divider, Form, InputNumber, Row, Switch } from 'antd';
import type { Dayjs } from 'dayjs';

/** 引进与劳动合同 (紧缺人才奖励 only): the contract, a year of social security and tax, first introduction. */
export function EmploymentFields({ today }: { today: string }) {
  return (
    <>
      <Divider orientation="left" plain>
        引进与劳动合同
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="since"
            label="入职日期"
            rules={[
              { required: true, message: '请选择入职日期' },
              // as the API counts it: a full year of contributions needs a full year in the job
              {
                validator: async (_, v?: Dayjs) => {
                  if (v && v.add(12, 'month').format('YYYY-MM-DD') > today)
                    throw new Error(`入职不满一年（满一年之日为 ${v.add(12, 'month').format('YYYY-MM-DD')}），社保和个税缴纳不足12个月`);
                },
              },
            ]}
          >
            <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.format('YYYY-MM-DD') > today} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="contractYears"
            label="劳动合同期限（年）"
            rules={[
              { required: true, message: '请填写' },
              { type: 'number', min: 3, message: '合同期限须3年及以上' },
            ]}
          >
            <InputNumber min={0} max={50} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="socialSecurityMonths"
            label="已缴纳社保和个税（月）"
            rules={[
              { required: true, message: '请填写' },
              { type: 'number', min: 12, message: '须缴纳满一年（12个月）' },
            ]}
          >
            <InputNumber min={0} max={600} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="firstIntroduction"
            label="企业首次引入"
            valuePropName="checked"
            rules={[
              {
                validator: async (_, v) => {
                  if (!v) throw new Error('紧缺人才奖励仅限企业首次引入');
                },
              },
            ]}
          >
            <Switch checkedChildren="是" unCheckedChildren="否" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
