import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthenticated, session, type User } from './lib/api';

interface AuthState {
  user: User | null;
  login(username: string, password: string): Promise<User>;
  logout(): void;
  has(...roles: string[]): boolean;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => (session.token() ? session.user() : null));
  useEffect(() => onUnauthenticated(() => setUser(null)), []);
  const login = useCallback(async (username: string, password: string) => {
    const r = await api.post<{ token: string; user: User }>('/auth/login', { username, password }, { anonymous: true });
    session.save(r.token, r.user);
    setUser(r.user);
    return r.user;
  }, []);
  const logout = useCallback(() => {
    session.clear();
    setUser(null);
  }, []);
  const value = useMemo<AuthState>(() => ({ user, login, logout, has: (...roles) => !!user && roles.some((r) => user.roles.includes(r)) }), [user, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export const CLERK_ROLES = ['unit_verifier', 'bureau_reviewer', 'rereviewer', 'competent_dept', 'lower_committee', 'committee_office', 'hrss_approver'];
export const REPORT_ROLES = ['bureau_reviewer', 'admin', 'auditor', 'committee_office'];

/** Where a user lands after logging in. */
export function homeFor(user: User): string {
  const r = user.roles;
  if (r.includes('applicant')) return '/my/claims';
  if (r.includes('expert')) return '/zhejiang/ballots';
  if (r.includes('committee_office')) return '/tasks';
  if (r.some((x) => CLERK_ROLES.includes(x))) return '/tasks';
  if (r.includes('admin') || r.includes('auditor')) return '/reports';
  return '/public/progress';
}
