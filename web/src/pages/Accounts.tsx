/**
 * 账号管理 (the security administrator, 安全管理员), on the accounts API (/api/v1/admin/users): the list, a new account
 * (its one-time password goes to the person by SMS, never to this screen; it must be changed at first login), roles,
 * a password reset (the same), deactivation.
 */
import { PageTitle } from '../components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { api, type AdminUser, type Org, type Page } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText, ROLE } from '../lib/labels';
import { ROLES } from '../../../platform/auth/roles';

/** the roles the security administrator grants, as checkboxes (applicants register themselves; expert logins come from the expert pool) */
const GRANTABLE = ROLES.filter((r) => r !== 'applicant' && r !== 'expert').map((r) => ({ value: r, label: ROLE[r] ?? r }));

/** where the one-time password went (the masked mobile number) */
function sentTo(r: Record<string, unknown>): string | null {
  const sent = r.oneTimePasswordSent as { to?: unknown } | undefined;
  return typeof sent?.to === 'string' ? sent.to : null;
}

function OneTimePassword({ shown, onClose }: { shown: { username: string; password: string } | null; onClose: () => void }) {
  return (
    <Modal title="一次性密码已发送" open={!!shown} onOk={onClose} onCancel={onClose} okText="知道了" cancelButtonProps={{ style: { display: 'none' } }}>
      {shown ? (
        <Space direction="vertical">
          <Typography.Text data-testid="one-time-password-sent">
            账号 <b>{shown.username}</b> 的一次性密码已通过短信发送至本人手机 {shown.password}（不向管理员显示；首次登录须修改密码）。
          </Typography.Text>
        </Space>
      ) : null}
    </Modal>
  );
}

export function AccountsPage() {
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useLoad(async () => {
    const r = await api.get<Page<AdminUser> | AdminUser[]>('/admin/users', { query: { q: q || undefined, page, pageSize: 20 } });
    return Array.isArray(r) ? { items: r, total: r.length, page: 1, pageSize: r.length || 20 } : r;
  }, [q, page]);
  const orgs = useLoad(() => api.get<Org[]>('/orgs'), []);
  const orgName = new Map((orgs.data ?? []).map((o) => [o.code, o.name]));
  const [creating, setCreating] = useState(false);
  const [rolesOf, setRolesOf] = useState<AdminUser | null>(null);
  const [otp, setOtp] = useState<{ username: string; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const [rolesForm] = Form.useForm();

  const create = async (v: { username: string; displayName: string; orgCode?: string; roles: string[]; phone: string }) => {
    setBusy(true);
    try {
      const r = await api.post<Record<string, unknown>>('/admin/users', { ...v, orgCode: v.orgCode ?? null });
      setCreating(false);
      form.resetFields();
      const to = sentTo(r);
      if (to) setOtp({ username: v.username, password: to });
      else message.success('账号已创建');
      list.reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const patch = async (u: AdminUser, body: { roles?: string[]; active?: boolean }, done: string) => {
    try {
      await api.patch(`/admin/users/${encodeURIComponent(u.username)}`, body);
      message.success(done);
      list.reload();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    }
  };
  const reset = async (u: AdminUser) => {
    try {
      const r = await api.post<Record<string, unknown>>(`/admin/users/${encodeURIComponent(u.username)}/reset-password`);
      const to = sentTo(r);
      if (to) setOtp({ username: u.username, password: to });
      else message.success('密码已重置');
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const orgOptions = (orgs.data ?? []).filter((o) => o.active !== false).map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` }));
  return (
    <Card
      title={<PageTitle>账号管理</PageTitle>}
      extra={
        <Space wrap>
          <Link to="/admin/login-policy" data-testid="login-policy-link">
            登录方式
          </Link>
          <Link to="/admin/accounts/import" data-testid="account-import-link">
            批量导入
          </Link>
          <Button type="primary" onClick={() => setCreating(true)} data-testid="user-new">
            新建账号
          </Button>
        </Space>
      }
    >
      <Input.Search
        aria-label="按用户名或姓名查找账号"
        placeholder="用户名或姓名"
        allowClear
        enterButton="查找"
        onSearch={(v) => {
          setQ(v.trim());
          setPage(1);
        }}
        style={{ maxWidth: 340, marginBottom: 12 }}
      />
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} style={{ marginBottom: 12 }} /> : null}
      <Table<AdminUser>
        rowKey="username"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 800 }}
        pagination={{ current: page, pageSize: list.data?.pageSize ?? 20, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'displayName' },
          { title: '所属单位', dataIndex: 'orgCode', render: (c: string | null, u) => u.orgName ?? (c ? (orgName.get(c) ?? c) : '—') },
          { title: '角色', dataIndex: 'roles', render: (rs: string[]) => rs.map((r) => <Tag key={r}>{ROLE[r] ?? r}</Tag>) },
          {
            title: '状态',
            dataIndex: 'active',
            render: (a?: boolean, u?: AdminUser) =>
              a === false ? <Tag>已停用</Tag> : u?.mustChangePassword ? <Tag color="orange">待修改初始密码</Tag> : <Tag color="green">正常</Tag>,
          },
          {
            title: '操作',
            key: 'ops',
            render: (_: unknown, u) => (
              <Space wrap>
                <Button
                  size="small"
                  type="link"
                  onClick={() => {
                    setRolesOf(u);
                    rolesForm.setFieldsValue({ roles: u.roles });
                  }}
                  aria-label={`修改 ${u.username} 的角色`}
                >
                  角色
                </Button>
                <Popconfirm
                  title={`重置 ${u.username} 的密码？`}
                  description="将生成新的一次性密码，原密码和登录状态失效。"
                  okText="重置"
                  cancelText="取消"
                  onConfirm={() => reset(u)}
                >
                  <Button size="small" type="link" aria-label={`重置密码：${u.username}`}>
                    重置密码
                  </Button>
                </Popconfirm>
                {u.active === false ? (
                  <Button size="small" type="link" onClick={() => patch(u, { active: true }, `已启用 ${u.username}`)} aria-label={`启用 ${u.username}`}>
                    启用
                  </Button>
                ) : (
                  <Popconfirm
                    title={`停用 ${u.username}？`}
                    description="停用后该账号立即退出登录且不能再登录。"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => patch(u, { active: false }, `已停用 ${u.username}`)}
                  >
                    <Button size="small" type="link" danger aria-label={`停用 ${u.username}`}>
                      停用
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title="新建账号"
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText="创建"
        cancelText="取消"
        destroyOnHidden
      >
        <Form form={form} name="user" layout="vertical" onFinish={create} preserve={false}>
          <Form.Item
            name="username"
            label="用户名"
            rules={[
              { required: true, message: '请填写用户名' },
              { pattern: /^[A-Za-z0-9._-]{3,40}$/, message: '3–40位字母、数字、点、下划线或短横线' },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名（显示名）" rules={[{ required: true, message: '请填写姓名' }, { max: 60 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="orgCode" label="所属单位" extra="单位审核员、复审经办人等须选择所属单位">
            <Select allowClear showSearch optionFilterProp="label" options={orgOptions} />
          </Form.Item>
          <Form.Item
            name="phone"
            label="本人手机号"
            extra="一次性密码以短信发送至此号码，不向管理员显示"
            rules={[{ required: true, message: '请填写本人手机号' }]}
          >
            <Input inputMode="tel" maxLength={20} />
          </Form.Item>
          <Form.Item name="roles" label="角色" rules={[{ required: true, message: '请至少选择一个角色' }]}>
            <Checkbox.Group options={GRANTABLE} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={rolesOf ? `修改角色：${rolesOf.username}` : ''}
        open={!!rolesOf}
        onCancel={() => setRolesOf(null)}
        onOk={() => rolesForm.submit()}
        okText="保存"
        cancelText="取消"
      >
        <Form
          form={rolesForm}
          name="roles"
          layout="vertical"
          onFinish={async (v: { roles: string[] }) => {
            if (rolesOf && (await patch(rolesOf, { roles: v.roles }, '角色已修改，该账号需重新登录'))) setRolesOf(null);
          }}
        >
          <Form.Item name="roles" label="角色" rules={[{ required: true, message: '请至少选择一个角色' }]}>
            <Checkbox.Group options={GRANTABLE} />
          </Form.Item>
        </Form>
      </Modal>
      <OneTimePassword shown={otp} onClose={() => setOtp(null)} />
    </Card>
  );
}
