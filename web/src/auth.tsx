import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onPasswordChangeRequired, onUnauthenticated, session, type User } from './lib/api';

interface AuthState {
  user: User | null;
  login(username: string, password: string): Promise<User>;
  /** ends the session on the server (POST /auth/logout), then forgets it here */
  logout(): Promise<void>;
  /** POST /auth/password; clears the one-time-password flag */
  changePassword(oldPassword: string, newPassword: string): Promise<void>;
  has(...roles: string[]): boolean;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => (session.token() ? session.user() : null));
  useEffect(() => onUnauthenticated(() => setUser(null)), []);
  useEffect(() => onPasswordChangeRequired(() => setUser(session.user())), []);
  const login = useCallback(async (username: string, password: string) => {
    const r = await api.post<{ token: string; user: User; mustChangePassword?: boolean }>('/auth/login', { username, password }, { anonymous: true });
    const u = { ...r.user, mustChangePassword: !!r.mustChangePassword };
    session.save(r.token, u);
    setUser(u);
    return u;
  }, []);
  const logout = useCallback(async () => {
    if (session.token()) await api.post('/auth/logout').catch(() => undefined);
    session.clear();
    setUser(null);
  }, []);
  const changePassword = useCallback(async (oldPassword: string, newPassword: string) => {
    await api.post('/auth/password', { oldPassword, newPassword });
    const token = session.token();
    const u = session.user();
    if (token && u) {
      const next = { ...u, mustChangePassword: false };
      session.save(token, next);
      setUser(next);
    }
  }, []);
  const value = useMemo<AuthState>(
    () => ({ user, login, logout, changePassword, has: (...roles) => !!user && roles.some((r) => user.roles.includes(r)) }),
    [user, login, logout, changePassword],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export const CLERK_ROLES = ['unit_verifier', 'bureau_reviewer', 'rereviewer', 'competent_dept', 'lower_committee', 'committee_office', 'hrss_approver'];
export { REPORT_ROLES } from '../../platform/auth/roles';

/** Where a user lands after logging in. */
export function homeFor(user: User): string {
  if (user.mustChangePassword) return '/change-password';
  const r = user.roles;
  if (r.includes('applicant')) return '/my/claims';
  if (r.includes('expert')) return '/zhejiang/ballots';
  if (r.includes('committee_office')) return '/tasks';
  if (r.some((x) => CLERK_ROLES.includes(x))) return '/tasks';
  if (r.includes('admin') || r.includes('auditor')) return '/reports';
  if (r.includes('security_admin')) return '/admin/accounts';
  return '/public/progress';
}
