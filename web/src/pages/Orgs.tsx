/**
 * 单位管理 (admin): the organisations of Nanxun and of the title review, searched and paged on the server;
 * register, edit (rename, move to another town/regulator), deactivate; the CSV import with its dry run.
 */
import { PageTitle } from '../components';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { api, ApiError, type AdminOrg, type Org, type Page } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText } from '../lib/labels';
import { fmt } from '../lib/time';
import { useAuth } from '../auth';
import { creditCodeFault, CREDIT_CODE_FAULT_ZH } from '../../../platform/orgs/creditCode';

export const ORG_TYPE: Record<string, string> = {
  enterprise: '企业',
  institution: '事业单位',
  competent_dept: '主管部门',
  lower_committee: '下一级评审委员会',
  town: '镇（开发区）',
  regulator: '行业监管部门',
  bureau: '区应急管理局',
  province_office: '评委会办公室',
  hrss: '省人力社保厅',
};
const ADMIN_TYPES = ['enterprise', 'institution', 'competent_dept', 'lower_committee'];
const EMPLOYER = (t?: string) => t === 'enterprise' || t === 'institution';

/** the reference organisations the form offers: towns, regulators, competent departments, lower committees */
export function useOrgOptions() {
  const refs = useLoad(() => api.get<Org[]>('/orgs', { query: { type: 'town,regulator,competent_dept,lower_committee' } }), []);
  return useMemo(() => {
    const of = (type: string) => (refs.data ?? []).filter((o) => o.type === type).map((o) => ({ value: o.code, label: o.name }));
    const name = new Map((refs.data ?? []).map((o) => [o.code, o.name]));
    return {
      towns: of('town'),
      regulators: of('regulator'),
      depts: of('competent_dept'),
      committees: of('lower_committee'),
      name: (c: string | null) => (c ? (name.get(c) ?? c) : '—'),
      reload: refs.reload,
    };
  }, [refs.data, refs.reload]);
}

interface FormValues {
  type: string;
  name: string;
  creditCode?: string;
  where?: 'nanxun' | 'outside';
  townCode?: string;
  regulatorCode?: string;
  certRereviewBy?: 'town' | 'regulator';
  competentOrgCode?: string;
  lowerCommitteeOrgCode?: string;
  address?: string;
}

const FIELD_OF_PROBLEM: Record<string, keyof FormValues> = { INVALID_CREDIT_CODE: 'creditCode', DUPLICATE_CREDIT_CODE: 'creditCode' };

function OrgFormModal({ org, open, onClose, onSaved }: { org: AdminOrg | null; open: boolean; onClose: () => void; onSaved: (o: AdminOrg) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const opts = useOrgOptions();
  const type = Form.useWatch('type', form);
  const where = Form.useWatch('where', form);
  const initial: FormValues = org
    ? {
        type: org.type,
        name: org.name,
        creditCode: org.creditCode ?? undefined,
        where: org.inDistrict || org.townCode ? 'nanxun' : 'outside',
        townCode: org.townCode ?? undefined,
        regulatorCode: org.regulatorCode ?? undefined,
        certRereviewBy: org.certRereviewBy ?? 'town',
        competentOrgCode: org.competentOrgCode ?? undefined,
        lowerCommitteeOrgCode: org.lowerCommitteeOrgCode ?? undefined,
        address: org.address ?? undefined,
      }
    : { type: 'enterprise', name: '', where: 'nanxun', certRereviewBy: 'town' };
  const save = async (v: FormValues) => {
    setBusy(true);
    setError(null);
    const employer = EMPLOYER(v.type);
    const nanxun = employer && v.where === 'nanxun';
    const body = {
      name: v.name,
      creditCode: v.creditCode?.trim() || undefined,
      address: v.address?.trim() || null,
      ...(employer
        ? {
            townCode: nanxun ? v.townCode : null,
            regulatorCode: nanxun ? v.regulatorCode : null,
            certRereviewBy: nanxun ? v.certRereviewBy : null,
            competentOrgCode: v.competentOrgCode ?? null,
            lowerCommitteeOrgCode: v.lowerCommitteeOrgCode ?? null,
          }
        : {}),
    };
    try {
      const saved = org
        ? await api.patch<AdminOrg>(`/admin/orgs/${encodeURIComponent(org.code)}`, body)
        : await api.post<AdminOrg>('/admin/orgs', { type: v.type, ...body });
      message.success(org ? '已保存' : `已登记：${saved.name}（${saved.code}）`);
      form.resetFields();
      onSaved(saved);
    } catch (e) {
      const field =
        e instanceof ApiError ? (FIELD_OF_PROBLEM[e.code] ?? (e.code === 'UNKNOWN_ORG' ? (e.body.field as keyof FormValues) : undefined)) : undefined;
      const text = e instanceof ApiError && e.code === 'INVALID_CREDIT_CODE' && typeof e.body.message === 'string' ? e.body.message : errorText(e);
      if (field) form.setFields([{ name: field, errors: [text] }]);
      setError(text);
    } finally {
      setBusy(false);
    }
  };
  const employer = EMPLOYER(type);
  return (
    <Modal
      title={org ? `编辑单位：${org.name}` : '登记单位'}
      open={open}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText="保存"
      cancelText="取消"
      destroyOnHidden
      width={640}
    >
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="org-form-error" /> : null}
      <Form form={form} name="org" layout="vertical" initialValues={initial} onFinish={save} preserve={false}>
        <Form.Item name="type" label="单位类型" rules={[{ required: true }]}>
          <Select disabled={!!org} options={ADMIN_TYPES.map((t) => ({ value: t, label: ORG_TYPE[t] }))} />
        </Form.Item>
        <Form.Item name="name" label="单位名称" rules={[{ required: true, message: '请填写单位名称' }, { max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="统一社会信用代码"
          extra="18位，依据GB 32100-2015校验"
          rules={[
            { required: employer && !org, message: '请填写统一社会信用代码' },
            {
              validator: async (_, v?: string) => {
                const f = v?.trim() ? creditCodeFault(v) : null;
                if (f) throw new Error(CREDIT_CODE_FAULT_ZH[f]);
              },
            },
          ]}
        >
          <Input maxLength={18} style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        {employer ? (
          <>
            <Form.Item name="where" label="所在地区">
              <Radio.Group
                options={[
                  { value: 'nanxun', label: '南浔区（奖励申请）' },
                  { value: 'outside', label: '区外（仅职称评审）' },
                ]}
              />
            </Form.Item>
            {where === 'nanxun' ? (
              <>
                <Form.Item name="townCode" label="所属镇（开发区）" rules={[{ required: true, message: '请选择所属镇（开发区）' }]}>
                  <Select showSearch optionFilterProp="label" options={opts.towns} />
                </Form.Item>
                <Form.Item name="regulatorCode" label="行业监管部门" rules={[{ required: true, message: '请选择行业监管部门' }]}>
                  <Select showSearch optionFilterProp="label" options={opts.regulators} />
                </Form.Item>
                <Form.Item name="certRereviewBy" label="证书奖励复审单位">
                  <Radio.Group
                    options={[
                      { value: 'town', label: '由镇（开发区）复审' },
                      { value: 'regulator', label: '由行业监管部门复审' },
                    ]}
                  />
                </Form.Item>
                {org ? (
                  <Typography.Paragraph type="secondary">
                    变更所属镇或监管部门后，在办申请仍由原复审单位复审，新申请由新单位复审；在办申请的办理记录中会注明。
                  </Typography.Paragraph>
                ) : null}
              </>
            ) : null}
            <Form.Item
              name="competentOrgCode"
              label="职称评审主管部门"
              rules={[{ required: where === 'outside', message: '区外单位请选择主管部门' }]}
              extra={where === 'nanxun' ? '不选则为湖州市应急管理局' : undefined}
            >
              <Select allowClear showSearch optionFilterProp="label" options={opts.depts} />
            </Form.Item>
            <Form.Item
              name="lowerCommitteeOrgCode"
              label="下一级评审委员会"
              rules={[{ required: where === 'outside', message: '区外单位请选择下一级评审委员会' }]}
            >
              <Select allowClear showSearch optionFilterProp="label" options={opts.committees} />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="address" label="地址" rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function OrgsPage() {
  const { message } = App.useApp();
  const { has } = useAuth();
  const admin = has('admin');
  const [type, setType] = useState<string>('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<AdminOrg | null | 'new'>(null);
  const list = useLoad(
    () => api.get<Page<AdminOrg>>('/admin/orgs', { query: { type: type || undefined, q: q || undefined, page, pageSize: 20 } }),
    [type, q, page],
  );
  const opts = useOrgOptions();
  const setActive = async (o: AdminOrg, active: boolean) => {
    try {
      await api.patch(`/admin/orgs/${encodeURIComponent(o.code)}`, { active });
      message.success(active ? `已启用：${o.name}` : `已停用：${o.name}（不再受理新申请，在办申请照常办结）`);
      list.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <Card
      title={<PageTitle>单位管理</PageTitle>}
      extra={
        admin ? (
          <Space wrap>
            <Link to="/admin/orgs/import">
              <Button>批量导入</Button>
            </Link>
            <Button type="primary" onClick={() => setEditing('new')} data-testid="org-new">
              登记单位
            </Button>
          </Space>
        ) : null
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="按单位类型筛选"
          value={type}
          onChange={(v) => {
            setType(v);
            setPage(1);
          }}
          style={{ width: 200 }}
          options={[{ value: '', label: '全部类型' }, ...Object.entries(ORG_TYPE).map(([value, label]) => ({ value, label }))]}
        />
        <Input.Search
          aria-label="按名称、代码或统一社会信用代码查找"
          placeholder="名称、代码或统一社会信用代码"
          allowClear
          enterButton="查找"
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 340 }}
          data-testid="org-search"
        />
      </Space>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} style={{ marginBottom: 12 }} /> : null}
      <Table<AdminOrg>
        rowKey="code"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (t) => `共 ${t} 个单位`,
        }}
        columns={[
          { title: '单位名称', dataIndex: 'name', render: (n: string, o) => <span data-testid={`org-${o.code}`}>{n}</span> },
          { title: '类型', dataIndex: 'type', render: (t: string) => ORG_TYPE[t] ?? t },
          { title: '统一社会信用代码', dataIndex: 'creditCode', render: (c: string | null) => c ?? '—' },
          { title: '所属镇（开发区）', dataIndex: 'townCode', render: (c: string | null) => opts.name(c) },
          { title: '行业监管部门', dataIndex: 'regulatorCode', render: (c: string | null) => opts.name(c) },
          { title: '证书奖励复审', dataIndex: 'certRereviewOrgCode', render: (c: string | null) => opts.name(c), responsive: ['lg'] },
          { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">正常</Tag> : <Tag>已停用</Tag>) },
          { title: '更新', dataIndex: 'updatedAt', render: (t: string | null, o) => (t ? `${fmt(t)} ${o.updatedBy ?? ''}` : '—'), responsive: ['xl'] },
          ...(admin
            ? [
                {
                  title: '操作',
                  key: 'ops',
                  render: (_: unknown, o: AdminOrg) => (
                    <Space>
                      <Button size="small" type="link" onClick={() => setEditing(o)} aria-label={`编辑 ${o.name}`}>
                        编辑
                      </Button>
                      {!ADMIN_TYPES.includes(o.type) ? null : o.active ? (
                        <Popconfirm
                          title={`停用“${o.name}”？`}
                          description="停用后不再受理该单位的新申请，在办申请照常办结。"
                          okText="停用"
                          cancelText="取消"
                          onConfirm={() => setActive(o, false)}
                        >
                          <Button size="small" type="link" danger aria-label={`停用 ${o.name}`}>
                            停用
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button size="small" type="link" onClick={() => setActive(o, true)} aria-label={`启用 ${o.name}`}>
                          启用
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <OrgFormModal
        open={editing !== null}
        org={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={(o) => {
          setEditing(null);
          setQ('');
          setPage(1);
          list.reload();
          opts.reload();
          void o;
        }}
      />
    </Card>
  );
}
