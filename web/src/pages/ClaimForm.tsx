import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Divider, Form, Space, Statistic, Tabs, Typography } from 'antd';
import { api, ApiError, type Org } from '../lib/api';
import type { ApplicationPeriod } from './ApplicationPeriods';
import { useLoad } from '../lib/hooks';
import { LEVEL, LEVEL_AMOUNT, errorText } from '../lib/labels';
import { todayShanghai } from '../lib/time';
import { useAuth } from '../auth';
import { PageTitle } from '../components';
import { MATERIAL_KIND, MaterialUploader, REQUIRED_KINDS, missingOf, type MaterialItem } from '../materials';
import { claimBody, formFieldOf, type ClaimFormValues as Values, type ClaimKind } from './claimForm/values';
import { ConfirmSummary } from './claimForm/ConfirmSummary';
import { ClaimSubmitted } from './claimForm/ClaimSubmitted';
import { PeriodNotice } from './claimForm/PeriodNotice';
import { HolderFields } from './claimForm/HolderFields';
import { CertificateFields } from './claimForm/CertificateFields';
import { EmploymentFields } from './claimForm/EmploymentFields';

export function ClaimFormPage() {
  const { user } = useAuth();
  const { modal } = App.useApp();
  const [kind, setKind] = useState<ClaimKind>('certificate');
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | string>();
  const [created, setCreated] = useState<{ id: string; applicationNo: string; amountYuan: number }>();
  const [busy, setBusy] = useState(false);
  // the uploaded materials (申请材料) the claim will attach
  const [files, setFiles] = useState<MaterialItem[]>([]);
  const [triedSubmit, setTriedSubmit] = useState(false);
  const orgs = useLoad(() => api.get<Org[]>('/orgs', { query: { type: 'enterprise,institution' } }), []);
  // the form is filled in from the applicant's registered identity; the API checks that what is sent is theirs
  const me = useLoad(() => api.get<{ idNumber: string | null; phone: string | null }>('/auth/me'), []);
  useEffect(() => {
    if (!me.data) return;
    if (!form.isFieldTouched('idNumber') && me.data.idNumber) form.setFieldValue('idNumber', me.data.idNumber);
    if (!form.isFieldTouched('phone') && me.data.phone) form.setFieldValue('phone', me.data.phone);
  }, [me.data, form]);
  const lvl = Form.useWatch('level', form);
  const receivedOn = Form.useWatch('receivedOn', form);
  const nature = Form.useWatch('employerNature', form);
  const amount = kind === 'shortage_talent' ? 10000 : lvl ? (LEVEL_AMOUNT[lvl] ?? 0) : 0;
  const today = todayShanghai();
  // the bureau's published concentrated application period of this year, if any (nanxun/applicationPeriods.ts)
  const periods = useLoad(() => api.get<ApplicationPeriod[]>('/nanxun/application-periods', { anonymous: true }), []);
  const period = periods.data?.find((p) => p.year === Number(today.slice(0, 4))) ?? null;

  const submit = (v: Values) => {
    setTriedSubmit(true);
    const missing = missingOf(REQUIRED_KINDS[kind] ?? [], files);
    if (missing.length) {
      setError(`请上传申请材料：${missing.map((k) => MATERIAL_KIND[k]).join('、')}`);
      return;
    }
    setError(undefined);
    const body = claimBody(kind, v, user?.displayName ?? '', files);
    const employer = orgs.data?.find((o) => o.code === v.employerOrgCode);
    modal.confirm({
      title: '请核对申请信息',
      width: 520,
      content: (
        <ConfirmSummary kind={kind} v={v} applicantName={user?.displayName} employerName={employer?.name ?? v.employerOrgCode} files={files} amount={amount} />
      ),
      okText: '确认提交',
      cancelText: '返回修改',
      onOk: async () => {
        setBusy(true);
        setError(undefined);
        try {
          const r = await api.post<{ id: string; applicationNo: string; amountYuan: number }>('/nanxun/claims', body);
          setCreated(r);
        } catch (e) {
          setError(e instanceof ApiError ? e : String(e));
          if (e instanceof ApiError && e.fieldErrors.length) {
            form.setFields(
              e.fieldErrors
                .map((fe) => ({ path: fe.path, name: formFieldOf(fe.path) }))
                .filter((x) => !!form.getFieldInstance(x.name as never))
                .map((x) => ({ name: x.name as never, errors: ['填写有误，请核对'] })),
            );
          }
        } finally {
          setBusy(false);
        }
      },
    });
  };

  if (created) return <ClaimSubmitted created={created} />;

  const employers = (orgs.data ?? []).map((o) => ({ value: o.code, label: o.inDistrict ? o.name : `${o.name}（非南浔区）`, disabled: false }));

  return (
    <Card
      title={
        <Space direction="vertical" size={0}>
          <PageTitle>南浔区注册安全工程师奖励申请</PageTitle>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
            {kind === 'certificate' ? '附件2-1 职业资格证书奖励申请表' : '附件2-2 紧缺人才奖励申请表'}
          </Typography.Text>
        </Space>
      }
    >
      <Tabs
        activeKey={kind}
        onChange={(k) => setKind(k as typeof kind)}
        items={[
          { key: 'certificate', label: '资格证书奖励' },
          { key: 'shortage_talent', label: '紧缺人才奖励' },
        ]}
      />
      <PeriodNotice kind={kind} period={period} today={today} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ level: kind === 'shortage_talent' ? 'intermediate' : undefined, employerNature: 'production', firstIntroduction: true }}
        scrollToFirstError
      >
        <Divider orientation="left" plain>
          证书持有人情况
        </Divider>
        <HolderFields displayName={user?.displayName} employers={employers} employersLoading={orgs.loading} nature={nature} />
        <Divider orientation="left" plain>
          证书信息
        </Divider>
        <CertificateFields kind={kind} period={period} today={today} receivedOn={receivedOn} />
        {kind === 'shortage_talent' && <EmploymentFields today={today} />}
        <Divider orientation="left" plain>
          申请材料
        </Divider>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {kind === 'certificate'
            ? '请上传身份证和注册安全工程师职业资格证书的复印件（扫描件或照片），单位审核时将与原件核对。'
            : '请上传身份证、资格证书复印件，劳动合同，以及满一年的社会保险和个人所得税缴纳证明。'}
        </Typography.Paragraph>
        <MaterialUploader
          kinds={REQUIRED_KINDS[kind] ?? []}
          value={files}
          onChange={(v) => {
            setFiles(v);
            // the reminder to upload goes once nothing is missing
            if (typeof error === 'string' && error.startsWith('请上传') && !missingOf(REQUIRED_KINDS[kind] ?? [], v).length) setError(undefined);
          }}
          showMissing={triedSubmit}
        />
        <Divider orientation="left" plain>
          申请情况
        </Divider>
        {kind === 'certificate' && (
          <Form.Item name="previousAwards" label="已申请奖励（未勾选即“无申请任何奖励”）">
            <Checkbox.Group options={Object.entries(LEVEL).map(([value, label]) => ({ value, label: `已申请${label}职称奖励` }))} />
          </Form.Item>
        )}
        <Card size="small" style={{ background: '#fafafa', marginBottom: 16 }}>
          <Statistic title="申请金额" value={amount} suffix="元" valueStyle={{ color: '#cf1322' }} groupSeparator="," data-testid="amount" />
          {kind === 'shortage_talent' && <Typography.Text type="secondary">第一年 3,000 元，第二年 3,000 元，第三年 4,000 元</Typography.Text>}
        </Card>
        <Form.Item
          name="declaration"
          valuePropName="checked"
          rules={[
            {
              validator: async (_, v) => {
                if (!v) throw new Error('请阅读并同意申请人声明');
              },
            },
          ]}
        >
          <Checkbox data-testid="declaration">
            申请人声明：本人所填写的内容及提供的资料均属真实，没有向其他部门申请过同类证书补贴或奖励。
            <Typography.Text type="danger">
              （每个级别的证书奖励只能申请一次；弄虚作假、骗取奖励的，追回有关款项，不得再申领奖励，并依法追究责任。）
            </Typography.Text>
          </Checkbox>
        </Form.Item>
        {error && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} message={typeof error === 'string' ? error : errorText(error)} data-testid="claim-error" />
        )}
        <Space>
          <Button type="primary" htmlType="submit" size="large" loading={busy} data-testid="claim-submit">
            提交申请
          </Button>
          <Link to="/my/claims">取消</Link>
        </Space>
      </Form>
    </Card>
  );
}
