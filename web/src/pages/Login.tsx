import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { App, Alert, Button, Card, Col, Form, Input, Row, Table, Tag, Typography, Space } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { CLERK_ROLES, homeFor, useAuth } from '../auth';
import { api, ApiError, type DemoAccount } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { errorText, role } from '../lib/labels';
import { idNumberProblem } from '../lib/idNumber';
import { LargeTextToggle } from '../display';

function Shell({ children, wide }: { children: React.ReactNode; wide?: boolean }) {
  return (
    <main
      style={{ minHeight: '100vh', background: 'linear-gradient(180deg,#c8161d 0,#c8161d 180px,#f0f2f5 180px)', padding: '24px 12px', boxSizing: 'border-box' }}
    >
      <div style={{ maxWidth: wide ? 1040 : 440, margin: '0 auto' }}>
        <div style={{ textAlign: 'right' }}>
          <LargeTextToggle />
        </div>
        <Typography.Title level={1} style={{ color: '#fff', textAlign: 'center', marginTop: 8, fontSize: 24 }}>
          安全生产人才激励与职称评审
          <div style={{ fontSize: 14, fontWeight: 400, marginTop: 4 }}>南浔区注册安全工程师奖励 · 浙江省安全工程专业职称评审</div>
        </Typography.Title>
        {children}
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Space split="|">
            <Link to="/public/progress">办件进度查询</Link>
            <Link to="/public/notices">公示公告</Link>
            <Link to="/public/certificates">证书查验</Link>
          </Space>
        </div>
      </div>
    </main>
  );
}

interface Provider {
  id: string;
  name: string;
  audience: 'applicant' | 'enterprise' | 'clerk';
  logoutUrl: string | null;
}

/** 浙里办登录 (个人 / 法人) and 浙政钉扫码登录: plain links, the browser goes to the provider and back */
function FederatedButtons({ providers, startUrl }: { providers: Provider[]; startUrl: (id: string) => string }) {
  if (!providers.length) return null;
  const label = (p: Provider) =>
    p.audience === 'applicant'
      ? `${p.name.startsWith('浙里办') ? '浙里办登录' : p.name}（个人）`
      : p.audience === 'enterprise'
        ? `${p.name.startsWith('浙里办') ? '浙里办登录' : p.name}（法人）`
        : p.id === 'zzd'
          ? '浙政钉扫码登录'
          : `${p.name}登录`;
  return (
    <div style={{ marginTop: 16 }} data-testid="federated-login">
      <Typography.Text type="secondary">或使用统一身份认证</Typography.Text>
      <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
        {providers.map((p) => (
          <Button key={p.id} block href={startUrl(p.id)} data-testid={`provider-${p.id}`}>
            {label(p)}
          </Button>
        ))}
      </Space>
    </div>
  );
}

export function LoginPage() {
  const { login } = useAuth();
  const nav = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const demo = useLoad(() => api.get<DemoAccount[]>('/dev/accounts', { anonymous: true }).catch(() => [] as DemoAccount[]), []);

  const go = async (username: string, password: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const u = await login(username, password);
      const next = params.get('next');
      nav(next?.startsWith('/') && !next.startsWith('//') ? next : homeFor(u), { replace: true });
    } catch (e) {
      // a refused login is a wrong user name or password (an expired session is not what happened here)
      setError(e instanceof ApiError && e.code === 'UNAUTHENTICATED' ? '用户名或密码错误' : errorText(e));
      if (e instanceof ApiError && e.code === 'PASSWORD_LOGIN_DISABLED') setError('您的岗位已关闭密码登录，请使用浙政钉扫码登录');
    } finally {
      setBusy(false);
    }
  };

  const providers = useLoad(() => api.get<Provider[]>('/auth/providers', { anonymous: true }).catch(() => [] as Provider[]), []);
  const policy = useLoad(() => api.get<{ role: string; passwordLogin: boolean }[]>('/auth/password-login', { anonymous: true }).catch(() => []), []);
  const clerkPasswordOff = (policy.data ?? []).some((p) => CLERK_ROLES.includes(p.role) && !p.passwordLogin);
  const next = params.get('next');
  const startUrl = (id: string) =>
    `/api/v1/auth/providers/${id}/start${next?.startsWith('/') && !next.startsWith('//') ? `?returnTo=${encodeURIComponent(next)}` : ''}`;
  const [loggedOutOf] = useState(() => sessionStorage.getItem('zj.providerLogout'));
  const providerLogout = (providers.data ?? []).find((p) => p.id === loggedOutOf && p.logoutUrl);
  const accounts = demo.data ?? [];
  return (
    <Shell wide={accounts.length > 0}>
      <Row gutter={[16, 16]} justify="center">
        <Col xs={24} md={accounts.length ? 10 : 24}>
          <Card title="用户登录">
            {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
            {providerLogout && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={
                  <span>
                    已退出本系统。
                    <a href={providerLogout.logoutUrl!} onClick={() => sessionStorage.removeItem('zj.providerLogout')}>
                      同时退出{providerLogout.name}
                    </a>
                  </span>
                }
              />
            )}
            {clerkPasswordOff && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                data-testid="clerk-password-off"
                message="机关工作人员的密码登录已关闭，请使用下方“浙政钉扫码登录”；密码登录仅供其他账号使用。"
              />
            )}
            <Form layout="vertical" onFinish={(v: { username: string; password: string }) => go(v.username, v.password)} requiredMark={false}>
              <Form.Item name="username" label="用户名" htmlFor="login-username" rules={[{ required: true, message: '请输入用户名' }]}>
                <Input prefix={<UserOutlined />} autoComplete="username" id="login-username" size="large" />
              </Form.Item>
              <Form.Item name="password" label="密码" htmlFor="login-password" rules={[{ required: true, message: '请输入密码' }]}>
                <Input.Password prefix={<LockOutlined />} autoComplete="current-password" id="login-password" size="large" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
                登 录
              </Button>
            </Form>
            <FederatedButtons providers={providers.data ?? []} startUrl={startUrl} />
            <div style={{ marginTop: 16, textAlign: 'center' }}>
              申请人还没有账号？
              <Link to="/register" className="text-link">
                实名注册
              </Link>
            </div>
          </Card>
        </Col>
        {accounts.length > 0 && (
          <Col xs={24} md={14}>
            <Card
              title={
                <span>
                  演示账号 <Tag color="orange">开发模式</Tag>
                </span>
              }
              extra={<Typography.Text type="secondary">密码均为 demo，点击即可登录</Typography.Text>}
              styles={{ body: { padding: 0 } }}
            >
              <Table<DemoAccount>
                size="small"
                rowKey="username"
                dataSource={accounts}
                pagination={false}
                scroll={{ y: 420 }}
                onRow={(a) =>
                  ({
                    onClick: () => void go(a.username, 'demo'),
                    style: { cursor: 'pointer' },
                    'data-username': a.username,
                  }) as React.HTMLAttributes<HTMLElement>
                }
                columns={[
                  { title: '账号', dataIndex: 'username', width: 150, render: (u: string) => <Typography.Link>{u}</Typography.Link> },
                  { title: '姓名 / 岗位', dataIndex: 'displayName' },
                  {
                    title: '角色',
                    dataIndex: 'roles',
                    width: 150,
                    render: (r: string[]) =>
                      r.map((x) => (
                        <Tag key={x} style={{ whiteSpace: 'normal', marginBlock: 2 }}>
                          {role(x)}
                        </Tag>
                      )),
                  },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </Shell>
  );
}

export function RegisterPage() {
  const { message } = App.useApp();
  const nav = useNavigate();
  const { login } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (v: { username: string; password: string; name: string; idNumber: string; phone: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/auth/register', v, { anonymous: true });
      message.success('注册成功');
      const u = await login(v.username, v.password);
      nav(homeFor(u), { replace: true });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Shell>
      <Card title="申请人实名注册">
        <Alert
          type="info"
          showIcon
          message="申请均以本人身份提交。身份以单位核验身份证原件为准：若他人冒用您的身份证号注册，您仍可注册，经单位核验后本账号即为您本人的账号。"
          style={{ marginBottom: 16 }}
        />
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit}>
          <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请输入姓名' }, { max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label="居民身份证号"
            normalize={(v: string) => v?.toUpperCase()}
            rules={[
              { required: true, message: '请输入身份证号' },
              {
                validator: async (_, v: string) => {
                  const p = v ? idNumberProblem(v) : null;
                  if (p) throw new Error(p);
                },
              },
            ]}
          >
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item
            name="phone"
            label="手机号码"
            rules={[
              { required: true, message: '请输入手机号码' },
              { pattern: /^[0-9+\-() ]{5,20}$/, message: '电话号码格式不正确' },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="username"
            label="用户名"
            rules={[
              { required: true, message: '请输入用户名' },
              { pattern: /^[A-Za-z0-9_.-]{3,50}$/, message: '3–50位字母、数字或 _ . -' },
            ]}
          >
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item
            name="password"
            label="密码"
            rules={[
              { required: true, message: '请输入密码' },
              { min: 8, message: '密码至少8位' },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            注册并登录
          </Button>
        </Form>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          已有账号？
          <Link to="/login" className="text-link">
            登录
          </Link>
        </div>
      </Card>
    </Shell>
  );
}
