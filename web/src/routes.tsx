import { lazy, Suspense, type ReactNode } from 'react';
import { SignInCallbackPage } from './pages/SignInCallback';
import { EnterpriseVerifiersPage } from './pages/EnterpriseVerifiers';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Result, Button, Skeleton } from 'antd';
import { homeFor, useAuth } from './auth';
import { ConsoleLayout, PublicLayout } from './layout';
import { LoginPage, RegisterPage } from './pages/Login';
import { ChangePasswordPage } from './pages/ChangePassword';
import { InboxPage } from './pages/Inbox';
import { TaskPage } from './pages/TaskPage';
import { ClaimFormPage } from './pages/ClaimForm';
import { MyClaimsPage, ClaimSearchPage } from './pages/Claims';
import { ClaimDetailPage } from './pages/ClaimDetail';
import { PublicProgressPage, PublicNoticesPage, CertificateVerifyPage } from './pages/Public';
import { NotificationsPage } from './pages/Notifications';
import { ApplicationPeriodsPage } from './pages/ApplicationPeriods';

// pages with heavy dependencies (charts) or used by few people load on demand
const ReportsPage = lazy(() => import('./pages/Reports').then((m) => ({ default: m.ReportsPage })));
const PrintFormPage = lazy(() => import('./pages/PrintForm').then((m) => ({ default: m.PrintFormPage })));
const zj = <K extends keyof typeof import('./pages/titleReview')>(k: K) =>
  lazy(() => import('./pages/titleReview').then((m) => ({ default: m[k] as () => JSX.Element })));
const OrgsPage = lazy(() => import('./pages/Orgs').then((m) => ({ default: m.OrgsPage })));
const OrgImportPage = lazy(() => import('./pages/OrgImport').then((m) => ({ default: m.OrgImportPage })));
const PoliciesAdminPage = lazy(() => import('./pages/Policies').then((m) => ({ default: m.PoliciesAdminPage })));
const LoginPolicyPage = lazy(() => import('./pages/LoginPolicy').then((m) => ({ default: m.LoginPolicyPage })));
const AccountImportPage = lazy(() => import('./pages/AccountImport').then((m) => ({ default: m.AccountImportPage })));
const AccountsPage = lazy(() => import('./pages/Accounts').then((m) => ({ default: m.AccountsPage })));
const SessionsPage = zj('SessionsPage');
const SessionDetailPage = zj('SessionDetailPage');
const ExpertsPage = zj('ExpertsPage');
const BallotListPage = zj('BallotListPage');
const BallotPage = zj('BallotPage');
const TitleApplyPage = zj('TitleApplyPage');
const TitleApplicationPage = zj('TitleApplicationPage');

function RequireLogin({ children, roles }: { children: ReactNode; roles?: string[] }) {
  const { user } = useAuth();
  const loc = useLocation();
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  // a one-time password is in use: nothing else until it is changed (the API refuses with PASSWORD_CHANGE_REQUIRED)
  if (user.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (roles && !roles.some((r) => user.roles.includes(r))) {
    return <Result status="403" title={<h1>无权访问</h1>} subTitle="当前账号的角色不能使用此功能。" extra={<Button href="/">返回首页</Button>} />;
  }
  return <>{children}</>;
}

function Home() {
  const { user } = useAuth();
  return <Navigate to={user ? homeFor(user) : '/login'} replace />;
}

const c = (el: ReactNode, roles?: string[]) => (
  <RequireLogin roles={roles}>
    <ConsoleLayout>{el}</ConsoleLayout>
  </RequireLogin>
);
const p = (el: ReactNode) => <PublicLayout>{el}</PublicLayout>;

export function AppRoutes() {
  return (
    <Suspense fallback={<Skeleton active style={{ padding: 24 }} />}>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/login/callback" element={<SignInCallbackPage />} />
        <Route path="/enterprise/verifiers" element={c(<EnterpriseVerifiersPage />, ['legal_person'])} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/change-password" element={<ChangePasswordPage />} />
        <Route path="/tasks" element={c(<InboxPage />)} />
        <Route path="/tasks/:id" element={c(<TaskPage />)} />
        <Route path="/claims" element={c(<ClaimSearchPage />)} />
        <Route path="/claims/:id" element={c(<ClaimDetailPage />)} />
        <Route
          path="/claims/:id/print"
          element={
            <RequireLogin>
              <PrintFormPage />
            </RequireLogin>
          }
        />
        <Route path="/my/claims" element={c(<MyClaimsPage />, ['applicant'])} />
        <Route path="/my/claims/new" element={c(<ClaimFormPage />, ['applicant'])} />
        <Route path="/notifications" element={c(<NotificationsPage />)} />
        <Route path="/nanxun/application-periods" element={c(<ApplicationPeriodsPage />, ['bureau_reviewer', 'admin'])} />
        <Route path="/reports" element={c(<ReportsPage />, ['bureau_reviewer', 'admin', 'auditor', 'committee_office'])} />
        <Route path="/zhejiang/sessions" element={c(<SessionsPage />, ['committee_office', 'admin', 'auditor'])} />
        <Route path="/zhejiang/sessions/:id" element={c(<SessionDetailPage />, ['committee_office', 'admin', 'auditor', 'expert'])} />
        <Route path="/zhejiang/experts" element={c(<ExpertsPage />, ['committee_office', 'admin', 'auditor'])} />
        <Route path="/zhejiang/ballots" element={c(<BallotListPage />, ['expert'])} />
        <Route path="/zhejiang/ballots/:sessionId" element={c(<BallotPage />, ['expert'])} />
        <Route path="/zhejiang/apply" element={c(<TitleApplyPage />, ['applicant'])} />
        <Route path="/zhejiang/applications/:id" element={c(<TitleApplicationPage />)} />
        <Route path="/admin/orgs" element={c(<OrgsPage />, ['admin', 'auditor'])} />
        <Route path="/admin/orgs/import" element={c(<OrgImportPage />, ['admin'])} />
        <Route path="/admin/accounts" element={c(<AccountsPage />, ['security_admin', 'auditor'])} />
        <Route path="/admin/accounts/import" element={c(<AccountImportPage />, ['security_admin'])} />
        <Route path="/admin/login-policy" element={c(<LoginPolicyPage />, ['security_admin', 'auditor'])} />
        <Route path="/admin/policies" element={c(<PoliciesAdminPage />, ['admin'])} />
        <Route path="/public/progress" element={p(<PublicProgressPage />)} />
        <Route path="/public/notices" element={p(<PublicNoticesPage />)} />
        <Route path="/public/certificates" element={p(<CertificateVerifyPage />)} />
        <Route path="/public/certificates/:code" element={p(<CertificateVerifyPage />)} />
        <Route
          path="*"
          element={
            <main>
              <Result status="404" title={<h1>页面不存在</h1>} extra={<Button href="/">返回首页</Button>} />
            </main>
          }
        />
      </Routes>
    </Suspense>
  );
}
