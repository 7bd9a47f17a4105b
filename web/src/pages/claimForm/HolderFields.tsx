import { Col, Form, Input, Radio, Row, Select } from 'antd';
import { EMPLOYER_NATURE } from '../../lib/labels';
import { idNumberProblem } from '../../lib/idNumber';

/** 证书持有人情况: the applicant, their identity and their employer. */
export function HolderFields({
  displayName,
  employers,
  employersLoading,
  nature,
}: {
  displayName: string | undefined;
  employers: { value: string; label: string; disabled: boolean }[];
  employersLoading: boolean;
  nature: string | undefined;
}) {
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Form.Item label="姓名" htmlFor="holderName">
          <Input id="holderName" value={displayName} disabled />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name="idNumber"
          label="身份证号码"
          extra="须为本人实名注册的身份证号"
          rules={[
            { required: true, whitespace: true, message: '请输入身份证号码' },
            {
              validator: async (_, v?: string) => {
                const p = v?.trim() ? idNumberProblem(v.trim()) : null;
                if (p) throw new Error(p);
              },
            },
          ]}
        >
          <Input maxLength={18} data-testid="id-number" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name="phone"
          label="联系电话（手机）"
          rules={[
            { required: true, whitespace: true, message: '请输入联系电话' },
            { pattern: /^[0-9+\-() ]{5,20}$/, message: '电话号码格式不正确' },
          ]}
        >
          <Input data-testid="phone" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name="employerOrgCode" label="工作单位" rules={[{ required: true, message: '请选择工作单位' }]}>
          <Select showSearch optionFilterProp="label" options={employers} loading={employersLoading} placeholder="请选择" data-testid="employer-select" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name="position" label="职务" rules={[{ max: 100 }]}>
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name="employerNature" label="单位性质">
          <Radio.Group options={Object.entries(EMPLOYER_NATURE).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
      </Col>
      {nature === 'other' && (
        <Col xs={24} md={12}>
          <Form.Item name="employerNatureOther" label="其他单位性质" rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
        </Col>
      )}
      <Col xs={24} md={12}>
        <Form.Item name="employerAddress" label="工作单位地址" rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name="employerPhone" label="单位电话" rules={[{ pattern: /^[0-9+\-() ]{5,20}$/, message: '电话号码格式不正确' }]}>
          <Input />
        </Form.Item>
      </Col>
    </Row>
  );
}
