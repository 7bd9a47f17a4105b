/**
 * 登录方式 (the security administrator, 安全管理员): password login per role (GET/PUT /api/v1/admin/login-policy). Once
 * a role's clerks all have 浙政钉, its password login is switched off here: the login page then tells them to scan
 * the 浙政钉 QR and refuses their passwords. Each switch asks for a reason and goes on the audit trail; the system
 * administrator's (admin) stays on, as the way in when the identity providers are unreachable. The audit
 * administrator sees the table without the switches.
 */
import { PageTitle } from '../components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Card, Input, Modal, Space, Switch, Table, Tag, Typography } from 'antd';
import { useAuth } from '../auth';
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText, ROLE } from '../lib/labels';
import { fmt } from '../lib/time';

interface RolePolicy {
  role: string;
  passwordLogin: boolean;
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export function LoginPolicyPage() {
  const { message } = App.useApp();
  const { has } = useAuth();
  const canChange = has('security_admin');
  const list = useLoad(() => api.get<RolePolicy[]>('/admin/login-policy'), []);
  const [asking, setAsking] = useState<RolePolicy | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const change = async () => {
    if (!asking) return;
    setBusy(true);
    setError(null);
    try {
      await api.put(`/admin/login-policy/${asking.role}`, { passwordLogin: !asking.passwordLogin, reason: reason.trim() });
      message.success(`已${asking.passwordLogin ? '关闭' : '开启'}「${ROLE[asking.role] ?? asking.role}」的密码登录`);
      setAsking(null);
      setReason('');
      list.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<PageTitle>登录方式</PageTitle>} extra={<Link to="/admin/accounts">返回账号管理</Link>}>
      <Typography.Paragraph>
        机关工作人员开通浙政钉后，可在此关闭其角色的密码登录：登录页将提示其使用“浙政钉扫码登录”，并拒绝其用户名密码登录。一个账号的任一角色关闭了密码登录，该账号即不能用密码登录。
        系统管理员的密码登录始终保留，作为统一身份认证不可用时的应急入口。每次切换均须填写原因并记入审计日志。
      </Typography.Paragraph>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} style={{ marginBottom: 12 }} /> : null}
      <Table<RolePolicy>
        rowKey="role"
        size="small"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        onRow={(r) => ({ 'data-testid': 'login-policy-row', 'data-role': r.role }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: '角色', dataIndex: 'role', render: (r: string) => ROLE[r] ?? r },
          {
            title: '密码登录',
            dataIndex: 'passwordLogin',
            render: (on: boolean, r) => (
              <Space>
                <Switch
                  checked={on}
                  disabled={!canChange || r.role === 'admin'}
                  onChange={() => {
                    setAsking(r);
                    setReason('');
                    setError(null);
                  }}
                  aria-label={`${ROLE[r.role] ?? r.role}的密码登录`}
                  data-testid={`login-policy-switch-${r.role}`}
                />
                <Tag color={on ? 'green' : 'default'} data-testid={`login-policy-state-${r.role}`}>
                  {on ? '允许' : '已关闭'}
                </Tag>
              </Space>
            ),
          },
          { title: '来源', dataIndex: 'isDefault', render: (d: boolean) => (d ? '默认' : '已设置'), responsive: ['md'] },
          {
            title: '最近修改',
            key: 'updated',
            render: (_: unknown, r) => (r.updatedAt ? `${fmt(r.updatedAt)}（${r.updatedBy}）` : '—'),
          },
        ]}
      />
      <Modal
        title={asking ? `${asking.passwordLogin ? '关闭' : '开启'}「${ROLE[asking.role] ?? asking.role}」的密码登录` : ''}
        open={!!asking}
        onOk={change}
        okText="确定"
        cancelText="取消"
        okButtonProps={{ disabled: reason.trim().length < 2, loading: busy, ...({ 'data-testid': 'login-policy-confirm' } as Record<string, string>) }}
        onCancel={() => setAsking(null)}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          {asking?.passwordLogin ? (
            <Typography.Text>关闭后，该角色的账号只能通过浙政钉扫码登录；其现有会话不受影响。</Typography.Text>
          ) : (
            <Typography.Text>开启后，该角色的账号可再次使用用户名和密码登录。</Typography.Text>
          )}
          <label htmlFor="login-policy-reason">原因（记入审计日志）</label>
          <Input.TextArea id="login-policy-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
          {error ? <Alert type="error" showIcon message={error} data-testid="login-policy-error" /> : null}
        </Space>
      </Modal>
    </Card>
  );
}
