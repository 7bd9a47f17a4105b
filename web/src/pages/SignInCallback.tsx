/**
 * Where a federated sign-in lands (/login/callback#code=… or #link=…): the one-time code is exchanged for the
 * session at once (it is good for 60 s, once); a link request asks the person to prove their existing account
 * with its password or a code texted to that account's mobile, or to decline.
 */
import { PageTitle } from '../components';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Segmented, Space, Spin, Typography } from 'antd';
import { homeFor, useAuth } from '../auth';
import { api, type User } from '../lib/api';
import { errorText } from '../lib/labels';

type SignedIn = { token: string; user: User; mustChangePassword: boolean };

export function SignInCallbackPage() {
  const { adopt } = useAuth();
  const nav = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [by, setBy] = useState<'password' | 'sms'>('password');
  const [sending, setSending] = useState(false);
  const [sentTo, setSentTo] = useState<string>();
  const [smsUser, setSmsUser] = useState('');
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

  const sendCode = async () => {
    const username = smsUser.trim();
    if (!username) {
      setError('请先输入用户名');
      return;
    }
    setSending(true);
    setError(undefined);
    try {
      const r = await api.post<{ to: string }>('/auth/link/sms-code', { ticket, username }, { anonymous: true });
      setSentTo(r.to);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
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
              您的身份证号已有一个自行注册的账号。请输入该账号的用户名和密码（或发送到该账号手机的短信验证码），证明它是您的账号，之后可直接用浙里办登录。
            </Typography.Paragraph>
            <Segmented
              block
              value={by}
              onChange={(v) => setBy(v as 'password' | 'sms')}
              options={[
                { value: 'password', label: '用密码验证' },
                { value: 'sms', label: '用短信验证码验证' },
              ]}
              style={{ marginBottom: 16 }}
              data-testid="link-by"
            />
            {by === 'password' ? (
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
            ) : (
              <Form
                layout="vertical"
                onValuesChange={(_, all: { username: string; smsCode: string }) => setSmsUser(all.username ?? '')}
                onFinish={(v: { username: string; smsCode: string }) => link(v)}
                requiredMark={false}
              >
                <Typography.Paragraph type="secondary">验证码将发送到该账号注册时登记的手机号，5 分钟内有效。</Typography.Paragraph>
                <Form.Item name="username" label="用户名" htmlFor="link-sms-username" rules={[{ required: true, message: '请输入用户名' }]}>
                  <Input id="link-sms-username" autoComplete="username" />
                </Form.Item>
                <Form.Item label="短信验证码" htmlFor="link-sms-code" required>
                  <Space.Compact style={{ width: '100%' }}>
                    <Form.Item name="smsCode" noStyle rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入 6 位验证码' }]}>
                      <Input id="link-sms-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
                    </Form.Item>
                    <Button onClick={sendCode} loading={sending} data-testid="link-sms-send">
                      获取验证码
                    </Button>
                  </Space.Compact>
                </Form.Item>
                {sentTo ? <Typography.Paragraph data-testid="link-sms-sent">验证码已发送至 {sentTo}。</Typography.Paragraph> : null}
                <Button type="primary" htmlType="submit" block loading={busy} data-testid="link-sms-submit">
                  关联并登录
                </Button>
              </Form>
            )}
            <Button type="link" block style={{ marginTop: 8 }} onClick={() => link({ decline: true })} disabled={busy} data-testid="link-decline">
              这不是我的账号，另建新账号（将交区应急管理局核实身份）
            </Button>
          </>
        )}
      </Card>
    </main>
  );
}
