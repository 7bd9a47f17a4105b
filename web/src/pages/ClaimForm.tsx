import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Divider,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Statistic,
  Switch,
  Tabs,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { api, ApiError, type Org } from '../lib/api';
import type { ApplicationPeriod } from './ApplicationPeriods';
import { useLoad } from '../lib/hooks';
import { EMPLOYER_NATURE, LEVEL, LEVEL_AMOUNT, errorText, level as levelLabel } from '../lib/labels';
import { dayjs, todayShanghai, yuan } from '../lib/time';
import { useAuth } from '../auth';
import { idNumberProblem } from '../lib/idNumber';
import { PageTitle } from '../components';
import { MATERIAL_KIND, MaterialUploader, REQUIRED_KINDS, missingOf, type MaterialItem } from '../materials';

interface Values {
  employerOrgCode: string;
  position?: string;
  employerNature?: 'production' | 'government' | 'other';
  employerNatureOther?: string;
  employerAddress?: string;
  employerPhone?: string;
  idNumber: string;
  phone: string;
  certNumber: string;
  level: 'junior' | 'intermediate' | 'senior';
  issuedOn: Dayjs;
  receivedOn: Dayjs;
  previousAwards?: string[];
  since?: Dayjs;
  contractYears?: number;
  socialSecurityMonths?: number;
  firstIntroduction?: boolean;
  declaration: boolean;
}

const d = (v?: Dayjs) => (v ? v.format('YYYY-MM-DD') : undefined);

/** Six calendar months after receipt, as the API counts it (end of that day). */
function windowEnd(receivedOn: string): string {
  return dayjs(receivedOn).add(6, 'month').format('YYYY-MM-DD');
}

export function ClaimFormPage() {
  const { user } = useAuth();
  const { modal } = App.useApp();
  const nav = useNavigate();
  const [kind, setKind] = useState<'certificate' | 'shortage_talent'>('certificate');
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

  const bodyOf = (v: Values) => {
    const body: Record<string, unknown> = {
      kind,
      employerOrgCode: v.employerOrgCode,
      applicant: { name: user?.displayName ?? '', idNumber: v.idNumber.trim().toUpperCase(), phone: v.phone.trim() },
      certificate: { number: v.certNumber.trim(), level: v.level, issuedOn: d(v.issuedOn), receivedOn: d(v.receivedOn) },
      declaration: true,
      materials: files.map((f) => f.id),
    };
    if (v.position?.trim()) body.position = v.position.trim();
    if (v.employerNature) body.employerNature = v.employerNature;
    if (v.employerNature === 'other' && v.employerNatureOther?.trim()) body.employerNatureOther = v.employerNatureOther.trim();
    if (v.employerAddress?.trim()) body.employerAddress = v.employerAddress.trim();
    if (v.employerPhone?.trim()) body.employerPhone = v.employerPhone.trim();
    if (v.previousAwards?.length) body.previousAwards = v.previousAwards;
    if (kind === 'shortage_talent') {
      body.employment = {
        since: d(v.since),
        contractYears: v.contractYears,
        socialSecurityMonths: v.socialSecurityMonths,
        firstIntroduction: !!v.firstIntroduction,
      };
    }
    return body;
  };

  const submit = (v: Values) => {
    setTriedSubmit(true);
    const missing = missingOf(REQUIRED_KINDS[kind] ?? [], files);
    if (missing.length) {
      setError(`请上传申请材料：${missing.map((k) => MATERIAL_KIND[k]).join('、')}`);
      return;
    }
    setError(undefined);
    const body = bodyOf(v);
    const employer = orgs.data?.find((o) => o.code === v.employerOrgCode);
    modal.confirm({
      title: '请核对申请信息',
      width: 520,
      content: (
        <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }}>
          <Descriptions.Item label="申请类别">{kind === 'certificate' ? '资格证书奖励' : '紧缺人才奖励'}</Descriptions.Item>
          <Descriptions.Item label="申请人">{user?.displayName}</Descriptions.Item>
          <Descriptions.Item label="身份证号码">{v.idNumber.trim().toUpperCase()}</Descriptions.Item>
          <Descriptions.Item label="工作单位">{employer?.name ?? v.employerOrgCode}</Descriptions.Item>
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
                .map((fe) => ({
                  path: fe.path,
                  name: fe.path
                    .replace(/^certificate\.number$/, 'certNumber')
                    .replace(/^certificate\./, '')
                    .replace(/^employment\./, '')
                    .replace(/^applicant\./, ''),
                }))
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

  if (created) {
    return (
      <Card>
        <Result
          status="success"
          title="申请已提交"
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
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label="姓名" htmlFor="holderName">
              <Input id="holderName" value={user?.displayName} disabled />
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
              <Select showSearch optionFilterProp="label" options={employers} loading={orgs.loading} placeholder="请选择" data-testid="employer-select" />
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
        <Divider orientation="left" plain>
          证书信息
        </Divider>
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
                    if (kind === 'certificate' && !period && windowEnd(d(v)!) < today)
                      throw new Error(`已超过证书领取后6个月的申请期限（${windowEnd(d(v)!)}）`);
                  },
                }),
              ]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.format('YYYY-MM-DD') > today} data-testid="received-on" />
            </Form.Item>
          </Col>
        </Row>
        {kind === 'shortage_talent' && (
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
        )}
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
