// The menu of each role; the first entry is the role's home page.
export interface NavItem { to: string; zh: string; en: string; badge?: 'unread' }

export const NAV: Record<string, NavItem[]> = {
  enterprise: [
    { to: '/filings', zh: '我的备案', en: 'My filing' }, { to: '/daily', zh: '每日报告', en: 'Daily report' },
    { to: '/problems', zh: '整改问题', en: 'Problems' },
    { to: '/notifications', zh: '通知', en: 'Notifications', badge: 'unread' },
  ],
  street_official: [
    { to: '/queue', zh: '审核队列', en: 'Review queue' }, { to: '/daily/street', zh: '每日报送', en: 'Daily reports' },
    { to: '/problems', zh: '问题台账', en: 'Problems' }, { to: '/dashboard', zh: '数据看板', en: 'Dashboard' }, { to: '/codes', zh: '激活码', en: 'Activation codes' },
    { to: '/notifications', zh: '通知', en: 'Notifications', badge: 'unread' },
  ],
  park_manager: [
    { to: '/dashboard', zh: '分行业看板', en: 'Sectors' }, { to: '/streets', zh: '分街道', en: 'Streets' },
    { to: '/daily/overview', zh: '每日报送', en: 'Daily reports' },
    { to: '/queue', zh: '审核队列', en: 'Review queue' }, { to: '/problems', zh: '问题台账', en: 'Problems' },
    { to: '/registry', zh: '企业名录导入', en: 'Registry' }, { to: '/codes', zh: '激活码', en: 'Activation codes' },
    { to: '/reports', zh: '部门报表', en: 'Reports' }, { to: '/audit', zh: '审计日志', en: 'Audit log' },
  ],
  admin: [
    { to: '/dashboard', zh: '分行业看板', en: 'Sectors' }, { to: '/streets', zh: '分街道', en: 'Streets' },
    { to: '/daily/overview', zh: '每日报送', en: 'Daily reports' }, { to: '/queue', zh: '审核队列', en: 'Review queue' },
    { to: '/registry', zh: '企业名录导入', en: 'Registry' }, { to: '/codes', zh: '激活码', en: 'Activation codes' },
    { to: '/reports', zh: '部门报表', en: 'Reports' }, { to: '/audit', zh: '审计日志', en: 'Audit log' },
  ],
  department: [
    { to: '/reports', zh: '部门报表', en: 'Reports' }, { to: '/problems', zh: '整改意见函', en: 'Rectification letters' },
    { to: '/notifications', zh: '通知', en: 'Notifications', badge: 'unread' },
  ],
  // 督查组: zone-wide reading, findings and their verification.
  inspector: [
    { to: '/dashboard', zh: '分行业看板', en: 'Sectors' }, { to: '/streets', zh: '分街道', en: 'Streets' },
    { to: '/daily/overview', zh: '每日报送', en: 'Daily reports' },
    { to: '/problems', zh: '问题台账', en: 'Problems' }, { to: '/queue', zh: '备案查询', en: 'Filings' },
    { to: '/notifications', zh: '通知', en: 'Notifications', badge: 'unread' },
  ],
};

export function homeOf(role: string | undefined): string {
  return (role && NAV[role]?.[0]?.to) || '/login';
}
