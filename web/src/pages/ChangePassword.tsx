import { useState } from 'react';
import { PageTitle } from '../components';
import { Navigate, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Form, Input, Space, Typography } from 'antd';
import { homeFor, useAuth } from '../auth';
import { errorText } from '../lib/labels';

/**
 * Change one's own password (POST /api/v1/auth/password). After an administrator created the account or reset its
 * password, this is the only page the console shows until the one-time password is changed.
 */
export function ChangePasswordPage() {
  const { user, changePassword, logout } = useAuth();
  const { message } = App.useApp();
  const nav = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!user) return <Navigate to="/login?next=%2Fchange-password" replace />;
  const forced = !!user.mustChangePassword;

  const submit = async (v: { oldPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await changePassword(v.oldPassword, v.newPassword);
      message.success('密码已修改，其他设备上的登录已退出');
      nav(homeFor({ ...user, mustChangePassword: false }), { replace: true });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', background: '#f0f2f5', padding: '48px 12px' }}>
      <div style={{ maxWidth: 440, margin: '0 auto' }}>
        <Card title={<PageTitle>{forced ? '首次登录：请修改初始密码' : '修改密码'}</PageTitle>}>
          <Typography.Paragraph type="secondary">
            {user.displayName}（{user.username}）
          </Typography.Paragraph>
          {forced && <Alert type="warning" showIcon message="您正在使用管理员发放的一次性密码，修改后才能继续使用系统。" style={{ marginBottom: 16 }} />}
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
          <Form layout="vertical" onFinish={submit} requiredMark={false}>
            <Form.Item name="oldPassword" label={forced ? '一次性密码' : '当前密码'} rules={[{ required: true, message: '请输入当前密码' }]}>
              <Input.Password autoComplete="current-password" id="old-password" />
            </Form.Item>
            <Form.Item
              name="newPassword"
              label="新密码"
              extra="至少8位；不能是常见密码、简单规律（如 12345678）或与用户名、姓名相同。"
              rules={[
                { required: true, message: '请输入新密码' },
                { min: 8, message: '密码至少8位' },
              ]}
            >
              <Input.Password autoComplete="new-password" id="new-password" />
            </Form.Item>
            <Form.Item
              name="confirm"
              label="确认新密码"
              dependencies={['newPassword']}
              rules={[
                { required: true, message: '请再次输入新密码' },
                ({ getFieldValue }) => ({
                  validator: async (_, v) => {
                    if (v && v !== getFieldValue('newPassword')) throw new Error('两次输入的密码不一致');
                  },
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" id="confirm-password" />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                修改密码
              </Button>
              {forced ? <Button onClick={() => void logout().then(() => nav('/login'))}>退出登录</Button> : <Button onClick={() => nav(-1)}>取消</Button>}
            </Space>
          </Form>
        </Card>
      </div>
    </div>
  );
}
