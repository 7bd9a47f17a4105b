/**
 * Where a federated sign-in lands (/login/callback#code=… or #link=…): the one-time code is exchanged for the
 * session at once (it is good for 60 s, once); a link request asks the person to prove their existing account
 * with its password, or to decline.
 */
import { PageTitle } from '../components';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Space, Spin, Typography } from 'antd';
import { homeFor, useAuth } from '../auth';
import { api, type User } from '../lib/api';
import { errorText } from '../lib/labels';

type SignedIn = { token: string; user: User; mustChangePassword: boolean };

export function SignInCallbackPage() {
  const { adopt } = useAuth();
  const nav = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const started = useRef(false);
  // read once: the fragment is removed from the address bar at once (the code must not stay in the history)
  const [params] = useState(() => new URLSearchParams(window.location.hash.slice(1)));
  const returnTo = params.get('returnTo');
  const ticket = params.get('link');

  const finish = (r: SignedIn) => {
    const u = adopt(r.token, r.user, r.mustChangePassword);
    // which provider this session came from: after logout the login page offers that provider's logout
    const provider = params.get('provider');
    if (provider) localStorage.setItem('zj.provider', provider);
    nav(returnTo?.startsWith('/') && !returnTo.startsWith('//') && returnTo !== '/' ? returnTo : homeFor(u), { replace: true });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, for the code in the address when the page opened
  useEffect(() => {
    window.history.replaceState(null, '', window.location.pathname);
    const code = params.get('code');
    if (!code || started.current) return;
    started.current = true;
    api
      .post<SignedIn>('/auth/exchange', { code }, { anonymous: true })
      .then(finish)
      .catch((e) => setError(errorText(e)));
  }, []);

  const link = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      finish(await api.post<SignedIn>('/auth/link', { ticket, ...body }, { anonymous: true }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ maxWidth: 480, margin: '48px auto', padding: '0 12px' }}>
      <Card title={<PageTitle>{ticket ? '关联已有账号' : '正在登录'}</PageTitle>}>
        {error && (
          <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="callback-error" action={<Link to="/login">重新登录</Link>} />
        )}
        {!ticket && !error && (
          <Space>
            <Spin /> <Typography.Text>正在完成统一身份认证登录…</Typography.Text>
          </Space>
        )}
        {ticket && (
          <>
            <Typography.Paragraph>
              您的身份证号已有一个自行注册的账号。请输入该账号的用户名和密码，证明它是您的账号，之后可直接用浙里办登录。
            </Typography.Paragraph>
            <Form layout="vertical" onFinish={(v: { username: string; password: string }) => link(v)} requiredMark={false}>
              <Form.Item name="username" label="用户名" htmlFor="link-username" rules={[{ required: true, message: '请输入用户名' }]}>
                <Input id="link-username" autoComplete="username" />
              </Form.Item>
              <Form.Item name="password" label="密码" htmlFor="link-password" rules={[{ required: true, message: '请输入密码' }]}>
                <Input.Password id="link-password" autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy} data-testid="link-submit">
                关联并登录
              </Button>
            </Form>
            <Button type="link" block style={{ marginTop: 8 }} onClick={() => link({ decline: true })} disabled={busy} data-testid="link-decline">
              这不是我的账号，另建新账号（将交区应急管理局核实身份）
            </Button>
          </>
        )}
      </Card>
    </main>
  );
}
