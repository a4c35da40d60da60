import { describe, expect, it } from 'vitest';
import { homeOf, NAV } from './nav';
import { router } from '../router';

// Every role the API knows (docs/openapi.yaml, User.role) has a menu whose
// pages its router guard admits: a role without one was sent from / to
// /login and from /login back to / (the inspector, before it had a menu).
const roles = ['enterprise', 'street_official', 'park_manager', 'department', 'admin', 'inspector'];

describe('menus', () => {
  it.each(roles)('%s has a home page it may open', (role) => {
    expect(homeOf(role)).not.toBe('/login');
    for (const item of NAV[role] || []) {
      const r = router.resolve(item.to);
      const allowed = r.matched.every((m) => !Array.isArray(m.meta.roles) || m.meta.roles.includes(role));
      expect(allowed, `${role} → ${item.to}`).toBe(true);
      expect(r.matched.some((m) => m.path === '/:rest(.*)*'), `${role} → ${item.to} is a page`).toBe(false);
    }
  });
  it('a department reaches the letters addressed to it', () => {
    expect((NAV.department || []).map((i) => i.to)).toContain('/problems');
    expect(router.resolve('/notice/7').matched[0]?.meta.roles).toContain('department');
  });
});
