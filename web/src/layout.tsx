import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, ConfigProvider, Layout, Menu, Dropdown, Avatar, Space, Grid, Tag } from 'antd';
import type { MenuProps } from 'antd';
import {
  InboxOutlined,
  FileSearchOutlined,
  FormOutlined,
  ProfileOutlined,
  BarChartOutlined,
  TeamOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  GlobalOutlined,
  UserOutlined,
  LogoutOutlined,
  LockOutlined,
  NotificationOutlined,
  SafetyCertificateOutlined,
  SolutionOutlined,
  MenuOutlined,
  ApartmentOutlined,
  IdcardOutlined,
  BellOutlined,
} from '@ant-design/icons';
import { CLERK_ROLES, REPORT_ROLES, useAuth } from './auth';
import { role } from './lib/labels';
import { LargeTextToggle } from './display';
import { useUnreadCount } from './lib/unread';

const { Header, Sider, Content } = Layout;

type Item = Required<MenuProps>['items'][number] & { key: string };

export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user, logout, has } = useAuth();
  const nav = useNavigate();
  const loc = useLocation();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState(false);
  const mobile = !screens.md;
  const unread = useUnreadCount(!!user);

  const items: Item[] = [];
  if (has('applicant')) {
    items.push(
      { key: '/my/claims', icon: <ProfileOutlined />, label: <Link to="/my/claims">我的申请</Link> },
      { key: '/my/claims/new', icon: <FormOutlined />, label: <Link to="/my/claims/new">申请奖励</Link> },
      { key: '/zhejiang/apply', icon: <SolutionOutlined />, label: <Link to="/zhejiang/apply">职称申报</Link> },
    );
  }
  if (has(...CLERK_ROLES, 'admin', 'auditor')) {
    items.push(
      { key: '/tasks', icon: <InboxOutlined />, label: <Link to="/tasks">待办任务</Link> },
      { key: '/claims', icon: <FileSearchOutlined />, label: <Link to="/claims">申请查询</Link> },
    );
  }
  if (has('committee_office', 'admin', 'auditor')) {
    items.push(
      { key: '/zhejiang/sessions', icon: <CalendarOutlined />, label: <Link to="/zhejiang/sessions">评审会</Link> },
      { key: '/zhejiang/experts', icon: <TeamOutlined />, label: <Link to="/zhejiang/experts">专家库</Link> },
    );
  }
  if (has('expert')) items.push({ key: '/zhejiang/ballots', icon: <CheckSquareOutlined />, label: <Link to="/zhejiang/ballots">评审投票</Link> });
  if (has('admin', 'auditor')) items.push({ key: '/admin/orgs', icon: <ApartmentOutlined />, label: <Link to="/admin/orgs">单位管理</Link> });
  if (has('legal_person')) items.push({ key: '/enterprise/verifiers', icon: <TeamOutlined />, label: <Link to="/enterprise/verifiers">单位审核员</Link> });
  if (has('security_admin', 'auditor')) {
    items.push(
      { key: '/admin/accounts', icon: <IdcardOutlined />, label: <Link to="/admin/accounts">账号管理</Link> },
      { key: '/admin/login-policy', icon: <IdcardOutlined />, label: <Link to="/admin/login-policy">登录方式</Link> },
    );
  }
  if (has('admin')) items.push({ key: '/admin/policies', icon: <NotificationOutlined />, label: <Link to="/admin/policies">政策版本</Link> });
  if (has('bureau_reviewer', 'admin'))
    items.push({ key: '/nanxun/application-periods', icon: <CalendarOutlined />, label: <Link to="/nanxun/application-periods">集中申请期</Link> });
  if (has(...REPORT_ROLES)) items.push({ key: '/reports', icon: <BarChartOutlined />, label: <Link to="/reports">统计报表</Link> });
  items.push(
    { key: '/public/progress', icon: <GlobalOutlined />, label: <Link to="/public/progress">进度查询（公开）</Link> },
    { key: '/public/notices', icon: <NotificationOutlined />, label: <Link to="/public/notices">公示公告</Link> },
  );
  const selected = items
    .map((i) => i.key)
    .filter((k) => loc.pathname === k || loc.pathname.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <span>
          {user?.orgName ?? '个人用户'}
          <br />
          {user?.roles.map(role).join('、')}
        </span>
      ),
    },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: '退出登录',
      onClick: () => {
        void logout().then(() => nav('/login'));
      },
    },
    { key: 'password', icon: <LockOutlined />, label: '修改密码', onClick: () => nav('/change-password') },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 12, padding: mobile ? '0 12px' : '0 24px', background: '#001529' }} className="no-print">
        {mobile && (
          <Button
            type="text"
            icon={<MenuOutlined style={{ color: '#fff', fontSize: 18 }} />}
            onClick={() => setCollapsed(!collapsed)}
            aria-label="菜单"
            aria-expanded={!collapsed}
            data-testid="menu-toggle"
          />
        )}
        <Link to="/" className="app-brand" style={{ flex: 1, minWidth: 0 }}>
          <SafetyCertificateOutlined /> {mobile ? '人才激励审批' : '安全生产人才激励与职称评审 · 审批系统'}
        </Link>
        <LargeTextToggle />
        {/* the name is the visible text and more (WCAG 2.5.3): 消息 (hidden on a phone), the count, 条未读 */}
        <Link to="/notifications" data-testid="notifications-link" style={{ color: '#fff', display: 'inline-flex', alignItems: 'center' }}>
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} aria-hidden />
          <span className={mobile ? 'sr-only' : undefined} style={mobile ? undefined : { marginLeft: 6 }}>
            消息
          </span>
          {unread ? (
            <span className="unread-count" data-testid="unread-count">
              {unread > 99 ? '99+' : unread}
              <span className="sr-only"> 条未读</span>
            </span>
          ) : (
            <span className="sr-only">，没有未读</span>
          )}
        </Link>
        <Dropdown menu={{ items: userMenu }} placement="bottomRight" trigger={['click']}>
          <Space
            style={{ color: '#fff', cursor: 'pointer' }}
            data-testid="user-menu"
            role="button"
            tabIndex={0}
            aria-label={`用户菜单：${user?.displayName ?? ''}`}
          >
            <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1677ff' }} />
            <span
              style={{
                color: '#fff',
                maxWidth: mobile ? 96 : 300,
                display: 'inline-block',
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
                verticalAlign: 'middle',
                lineHeight: '64px',
              }}
            >
              {user?.displayName}
            </span>
          </Space>
        </Dropdown>
      </Header>
      <Layout>
        <Sider
          breakpoint="md"
          collapsedWidth={0}
          trigger={mobile ? null : undefined}
          collapsed={mobile ? collapsed : false}
          onCollapse={setCollapsed}
          onBreakpoint={(broken) => setCollapsed(broken)}
          width={200}
          theme="light"
          className="no-print"
          style={mobile ? { position: 'absolute', zIndex: 10, height: '100%' } : undefined}
        >
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected] : []}
            items={items}
            onClick={() => mobile && setCollapsed(true)}
            style={{ height: '100%', borderRight: 0 }}
          />
        </Sider>
        <Content className="app-content">{children}</Content>
      </Layout>
    </Layout>
  );
}

export function PublicLayout({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const loc = useLocation();
  const screens = Grid.useBreakpoint();
  const items = [
    { key: '/public/progress', label: <Link to="/public/progress">进度查询</Link> },
    { key: '/public/notices', label: <Link to="/public/notices">公示公告</Link> },
    { key: '/public/certificates', label: <Link to="/public/certificates">证书查验</Link> },
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 12, padding: screens.md ? '0 24px' : '0 8px', background: '#c8161d' }}>
        <Link to="/public/progress" className="app-brand" style={{ flexShrink: 0 }}>
          <SafetyCertificateOutlined /> {screens.md ? '政务服务 · 办件公开' : '办件公开'}
        </Link>
        {/* white on the red bar: antd's dark menu text (65 % white) is below 4.5:1 there */}
        {screens.md ? (
          <ConfigProvider
            theme={{
              components: {
                Menu: {
                  darkItemColor: '#fff',
                  darkItemHoverColor: '#fff',
                  darkItemSelectedColor: '#fff',
                  darkItemBg: 'transparent',
                  darkItemSelectedBg: '#8c0e13',
                  darkPopupBg: '#8c0e13',
                },
              },
            }}
          >
            <Menu
              theme="dark"
              mode="horizontal"
              selectedKeys={items.filter((i) => loc.pathname.startsWith(i.key)).map((i) => i.key)}
              items={items}
              style={{ flex: 1, minWidth: 0, background: 'transparent' }}
            />
          </ConfigProvider>
        ) : (
          // on a phone three plain links: antd's overflowing menu hides items with aria-hidden yet keeps them focusable
          <nav aria-label="公开服务" className="public-nav" style={{ flex: 1, minWidth: 0, display: 'flex', gap: 10, overflowX: 'auto' }}>
            {items.map((i) => (
              <span
                key={i.key}
                aria-current={loc.pathname.startsWith(i.key) ? 'page' : undefined}
                style={{ whiteSpace: 'nowrap', fontWeight: loc.pathname.startsWith(i.key) ? 600 : 400 }}
              >
                {i.label}
              </span>
            ))}
          </nav>
        )}
        <LargeTextToggle />
        <Link to={user ? '/' : '/login'} style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {user ? <Tag color="gold">进入工作台</Tag> : '登录'}
        </Link>
      </Header>
      <Content className="app-content">{children}</Content>
      <Layout.Footer style={{ textAlign: 'center', color: '#595959' }}>南浔区应急管理局 · 浙江省应急管理厅 &nbsp; 查询结果不含个人信息</Layout.Footer>
    </Layout>
  );
}
