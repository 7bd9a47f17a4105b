import { Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import type { Claim, Task } from '../../lib/api';
import { LEVEL, level } from '../../lib/labels';
import { yuan } from '../../lib/time';
import { MATERIAL_KIND } from '../../materials';
import { TITLE_DECISIONS, TITLE_SUPPLEMENT_KINDS } from './decision';

/**
 * The fields of the decision form: a unit's verification (属实 / 不属实 / 暂无该证书信息), a title-review step's own
 * words, or approve / reject / 补正; the amount at re-review; the materials asked for; the comment.
 */
export function DecisionFields({
  t,
  decisionValue,
  verdict,
  claimLevel,
  amount,
  current,
  claim,
}: {
  t: Task;
  decisionValue: string | undefined;
  verdict: string | undefined;
  claimLevel: string;
  amount: number;
  /** the instalment under re-review, for a claim paid over years */
  current: Claim['instalments'][number] | undefined;
  claim: Claim | undefined;
}) {
  const isUnit = t.kind === 'unit_verification';
  const titleWords = t.subject.type === 'nanxun_claim' ? undefined : TITLE_DECISIONS[t.kind];
  const needComment =
    decisionValue === 'reject' || decisionValue === 'request_supplement' || (isUnit && verdict && verdict !== 'true') || t.kind === 'objection_investigation';
  const c = claim;

  return (
    <>
      {isUnit ? (
        <>
          <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
            已收到申请人身份证复印件、《中华人民共和国注册安全工程师职业资格证书》复印件，并与原件核对。
          </Typography.Paragraph>
          <Form.Item name="decision" label="办理方式">
            <Radio.Group
              optionType="button"
              options={[
                { value: 'approve', label: '出具核实意见' },
                { value: 'request_supplement', label: '要求补正材料' },
              ]}
            />
          </Form.Item>
          {decisionValue !== 'request_supplement' && (
            <>
              <Form.Item name="verdict" label="申请人资料" rules={[{ required: true }]}>
                <Radio.Group>
                  <Space direction="vertical">
                    <Radio value="true" data-testid="verdict-true">
                      属实
                    </Radio>
                    <Radio value="not_true">不属实</Radio>
                    <Radio value="no_record">暂无该证书信息</Radio>
                  </Space>
                </Radio.Group>
              </Form.Item>
              {verdict === 'true' && (
                <Form.Item
                  name="confirmedLevel"
                  label="级别属"
                  rules={[{ required: true, message: '请确认证书级别' }]}
                  extra={claimLevel && `申请人填报：${level(claimLevel)}`}
                >
                  <Select options={Object.entries(LEVEL).map(([value, label]) => ({ value, label: `${label}职称` }))} />
                </Form.Item>
              )}
            </>
          )}
        </>
      ) : titleWords ? (
        <Form.Item name="decision" label={t.kind === 'objection_investigation' ? '调查结论' : '审核结论'} rules={[{ required: true }]}>
          <Radio.Group>
            <Space direction="vertical">
              <Radio value="approve" data-testid="decision-approve">
                {titleWords[0]}
              </Radio>
              <Radio value="reject" data-testid="decision-reject">
                {titleWords[1]}
              </Radio>
              {TITLE_SUPPLEMENT_KINDS.includes(t.kind) && (
                <Radio value="request_supplement" data-testid="decision-supplement">
                  要求补正材料（暂停办理时限）
                </Radio>
              )}
            </Space>
          </Radio.Group>
        </Form.Item>
      ) : (
        <Form.Item name="decision" label="审核结论" rules={[{ required: true }]}>
          <Radio.Group>
            <Space direction="vertical">
              <Radio value="approve" data-testid="decision-approve">
                予以核准
              </Radio>
              <Radio value="reject" data-testid="decision-reject">
                不予核准
              </Radio>
              <Radio value="request_supplement" data-testid="decision-supplement">
                要求补正材料
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
      )}
      {t.kind === 'rereview' && decisionValue === 'approve' && (
        <Form.Item
          name="amountYuan"
          label="同意申领金额（元）"
          rules={[{ required: true, message: '请填写金额' }]}
          extra={
            current
              ? `第${current.year}年奖励：${yuan(amount)}（共${c!.instalments.length}年 ${yuan(c!.amountYuan)}）`
              : `按${level(claimLevel)}标准：${yuan(amount)}`
          }
        >
          <InputNumber min={1} step={1000} precision={0} style={{ width: '100%' }} addonAfter="元" />
        </Form.Item>
      )}
      {decisionValue === 'request_supplement' && (
        <Form.Item name="missingKinds" label="需补交的文件" extra="申请人须按所选类别上传新文件">
          <Select
            mode="multiple"
            allowClear
            aria-label="需补交的文件"
            data-testid="missing-kinds"
            options={Object.entries(MATERIAL_KIND).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
      )}
      <Form.Item
        name="comment"
        label={decisionValue === 'request_supplement' ? '需补正的材料' : t.kind === 'objection_investigation' ? '调查核实情况' : '意见'}
        rules={[
          {
            required: !!needComment,
            message:
              decisionValue === 'request_supplement' ? '请写明需要补正的材料' : t.kind === 'objection_investigation' ? '请写明调查核实情况' : '请填写理由',
          },
          { max: 2000 },
        ]}
      >
        <Input.TextArea
          rows={3}
          placeholder={t.kind === 'bureau_review' ? '如：申请人已有同类同级别证书的补贴或奖励记录' : '审核意见'}
          data-testid="decision-comment"
        />
      </Form.Item>
    </>
  );
}
