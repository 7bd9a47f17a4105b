/**
 * 三员分立 (separation of duties, GB/T 22239-2019 level 3) and roles that fit their organisation. Pure: no I/O.
 * - one account holds at most one of the system, security and audit administrators' roles;
 * - nobody changes their own roles (checked by the caller, who knows who is asking);
 * - each role only in an organisation of a type it fits (ROLE_ORG_TYPES); `expert` only through the expert pool.
 */
import { DUTY_ROLES, ROLE_ORG_TYPES, type Role } from '../auth/roles';
import { Problem } from '../http/problem';

export function assertRolesFit(roles: readonly string[], orgType: string | null, opts: { expertLogin?: boolean } = {}): void {
  const duties = roles.filter((r) => DUTY_ROLES.includes(r as Role));
  if (duties.length > 1) {
    throw new Problem('SEPARATION_OF_DUTIES', `one account holds at most one of ${DUTY_ROLES.join(', ')} (asked: ${duties.join(' + ')})`, { field: 'roles' });
  }
  if (duties.length && roles.length > 1) {
    throw new Problem('SEPARATION_OF_DUTIES', `an administrator's account (${duties[0]}) holds no other role`, { field: 'roles' });
  }
  if (roles.includes('expert') && !opts.expertLogin) {
    throw new Problem('ROLE_NOT_FOR_ORG', 'expert logins are made from the expert pool (POST /api/v1/zhejiang/experts/:id/account) only', { field: 'roles' });
  }
  for (const r of roles) {
    if (r === 'expert' && opts.expertLogin) continue;
    const fits = ROLE_ORG_TYPES[r as Role] ?? [];
    if (!fits.includes(orgType)) {
      throw new Problem(
        'ROLE_NOT_FOR_ORG',
        `${r} is held ${fits.map((t) => (t === null ? 'without an organisation' : `in a ${t}`)).join(' or ') || 'by no account made here'}, not ${orgType ? `in a ${orgType}` : 'without an organisation'}`,
        { field: 'roles', role: r, orgType },
      );
    }
  }
}
