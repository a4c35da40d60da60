// fugong web UI — plain ES module, no framework, no build step.
//
// Safety rules kept throughout this file:
//  - every piece of server text reaches the page through text nodes
//    (Node.append(string) / textContent), never innerHTML;
//  - no inline event handlers: listeners are attached with addEventListener,
//    so a strict Content-Security-Policy (script-src 'self') works;
//  - the CSRF token lives in memory only (restored from GET /api/v1/me).

const API = '/api/v1';
const S = { user: null, csrf: null, enterprise: null, streets: null, renderSeq: 0, pending: null };

// ---------------------------------------------------------------- DOM helpers

/** h('tag', {attrs}, ...children): builds an element; strings become text nodes. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  add(el, kids);
  return el;
}
function add(el, ...kids) {
  for (const k of [kids].flat(Infinity)) {
    if (k == null || k === false) continue;
    el.append(k instanceof Node ? k : String(k));
  }
  return el;
}
/** Chinese label with the English beside it in smaller text. */
function bi(zh, en) { return en ? [zh, ' ', h('span', { class: 'en', lang: 'en' }, en)] : [zh]; }
/** A server message "中文 / English" shown the same way (split at the first " / " before Latin text). */
function msg(s) {
  s = s == null ? '' : String(s);
  const m = s.match(/^([\s\S]*?[\u3000-\u9fff\uff00-\uffef][\s\S]*?)\s*\/\s+([A-Za-z][\s\S]*)$/);
  return m ? bi(m[1].trim(), m[2].trim()) : [s];
}
function card(title, ...kids) {
  const sec = h('section', { class: 'card' });
  if (title) sec.append(h('h2', null, title));
  return add(sec, kids);
}
function tableWrap(table) { return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': table.getAttribute('aria-label') || '表格 table' }, table); }
/** table(columns, rows): columns [{zh, en, num, cell(row)}]. */
function table(label, cols, rows, empty) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, empty || bi('暂无数据', 'No data'));
  const t = h('table', { 'aria-label': label },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, bi(c.zh, c.en))))),
    h('tbody', null, rows.map((r) => h('tr', null, cols.map((c, i) => {
      const v = c.cell(r);
      return i === 0 && c.rowHeader ? h('th', { scope: 'row' }, v) : h('td', { class: c.num ? 'num' : null }, v);
    })))));
  return tableWrap(t);
}
function dl(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v == null || v === '' ? '—' : v)]));
}
function unavailable() {
  return h('p', { class: 'unavailable' }, bi('暂未开放', 'Not available yet'));
}
function info(kind, ...kids) { return h('div', { class: `msg ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, kids); }
function uid(p) { uid.n = (uid.n || 0) + 1; return `${p}-${uid.n}`; }

// ---------------------------------------------------------------- formatting

const tz = 'Asia/Shanghai';
function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString('zh-CN', { timeZone: tz, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
function today(offsetDays = 0) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(Date.now() + offsetDays * 86400000));
}
function fmtNum(n) { return n == null ? '—' : Number(n).toLocaleString('zh-CN'); }
function fmtRate(n) { return n == null ? '—' : `${Number(n).toFixed(2)}%`; }
function fmtSize(n) { if (n == null) return '—'; if (n < 1024) return `${n} B`; if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`; return `${(n / 1048576).toFixed(1)} MB`; }

const ROLE = { enterprise: ['企业', 'Enterprise'], street_official: ['街道', 'Street official'], park_manager: ['管委会', 'Park manager'], department: ['部门', 'Department'], admin: ['管理员', 'Admin'] };
const STATUS = { draft: ['草稿', 'Draft'], submitted: ['待审核', 'Submitted'], approved: ['已批准', 'Approved'], returned: ['退回整改', 'Returned'], rejected: ['不予备案', 'Rejected'] };
const PSTATUS = { open: ['待整改', 'Open'], rectified: ['已整改', 'Rectified'], waived: ['已豁免', 'Waived'] };
const SOURCE = { rule: ['规则', 'Rule'], review: ['审核', 'Review'], inspection: ['检查', 'Inspection'] };
const SEV = { block: ['阻断', 'Blocks'], warn: ['警告', 'Warning'], info: ['提示', 'Info'] };
const SECTOR = { industrial: ['工业', 'Industrial'], service: ['服务业', 'Service'], construction: ['建筑工地', 'Construction'] };
const ZONE = { south: ['南区', 'South'], west: ['西区', 'West'], east: ['东区', 'East'] };
const DASH_KEYS = [
  ['industrial', '工业企业', 'Industrial'], ['industrial_above_scale', '规上工业企业', 'Above-scale industrial'],
  ['service', '服务业（不含房地产）', 'Service (excl. real estate)'], ['construction', '建筑工地（纳入监管）', 'Construction (supervised)'],
  ['construction_south_west', '建筑工地（南区、西区）', 'Construction, south + west'], ['construction_east', '建筑工地（东区）', 'Construction, east'],
];
function label(map, key) { const v = map[key]; return v ? bi(v[0], v[1]) : [key || '—']; }
function badge(map, key, prefix = 'st') { return h('span', { class: `badge ${prefix}-${key}` }, label(map, key)); }

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || fallbackMessage(status));
    this.status = status;
    this.code = e.code || String(status);
    this.details = Array.isArray(e.details) ? e.details : [];
  }
}
function fallbackMessage(status) {
  switch (status) {
    case 0: return '无法连接服务，请检查网络 / cannot reach the server';
    case 401: return '请先登录 / please sign in';
    case 403: return '没有权限 / not allowed';
    case 404: return '未找到 / not found';
    case 409: return '状态已变化，请刷新 / the state changed; reload';
    case 413: return '文件过大 / file too large';
    case 415: return '不支持的文件类型 / unsupported file type';
    case 429: return '操作过于频繁，请稍后再试 / too many requests; try again later';
    case 503: return '服务暂不可用 / a backing service is down';
    default: return `服务器出错（${status}）/ server error (${status})`;
  }
}
function qs(query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
async function api(method, path, { json, form, query, raw } = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (form) body = form;
  if (method !== 'GET' && S.csrf) headers['X-CSRF-Token'] = S.csrf;
  let res;
  try {
    res = await fetch(API + path + qs(query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  if (raw && res.ok) return res;
  if (res.status === 204) return null;
  let data = null;
  if ((res.headers.get('content-type') || '').includes('json')) data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && S.user && path !== '/auth/login') sessionEnded();
    throw err;
  }
  return data;
}
const dl_url = (path, query) => API + path + qs(query);

/** An error box: the message, then every detail ("第 N 行 列 X：…" for files). */
function errorBox(err, fieldLabels) {
  const items = (err.details || []).map((d) => h('li', null, detailText(d, fieldLabels)));
  return info('error', h('strong', null, msg(err.message)), items.length ? h('ul', null, items) : null);
}
function detailText(d, fieldLabels) {
  if (d.row != null) {
    const col = d.column ? ` 列 ${d.column}` : '';
    return [`第 ${d.row} 行${col}：`, msg(d.message)];
  }
  if (d.field) {
    const l = fieldLabels && fieldLabels[d.field];
    return [l ? `${l}（${d.field}）：` : `${d.field}：`, msg(d.message)];
  }
  return msg(d.message);
}
/** Runs fn and puts its error (if any) into box; returns the result or undefined. */
async function guard(box, fn) {
  box.replaceChildren();
  try { return await fn(); } catch (e) { if (!(e instanceof ApiError)) console.error(e); box.replaceChildren(e instanceof ApiError ? errorBox(e) : info('error', String(e))); return undefined; }
}
/** Loads a section; 404 → "暂未开放" (not built yet), other errors → an error box. */
async function section(container, fn, { notFound } = {}) {
  container.replaceChildren(h('p', { class: 'muted' }, bi('加载中…', 'Loading…')));
  try {
    const nodes = await fn();
    container.replaceChildren(...[nodes].flat(Infinity).filter(Boolean));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) container.replaceChildren(notFound ? notFound(e) : unavailable());
    else if (e instanceof ApiError) container.replaceChildren(errorBox(e));
    else { console.error(e); container.replaceChildren(info('error', String(e))); }
  }
}
function busy(button, on) { if (button) { button.disabled = on; button.setAttribute('aria-busy', on ? 'true' : 'false'); } }

async function saveBlob(res, fallbackName) {
  const cd = res.headers.get('content-disposition') || '';
  let name = fallbackName;
  const star = cd.match(/filename\*=UTF-8''([^;]+)/i);
  const plain = cd.match(/filename="?([^";]+)"?/i);
  if (star) name = decodeURIComponent(star[1]); else if (plain) name = plain[1];
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
  return { name, blob };
}

// ---------------------------------------------------------------- shell: header, nav, flash

const NAV = {
  enterprise: [['#/filings', '我的备案', 'My filing'], ['#/problems', '整改问题', 'Problems'], ['#/notifications', '通知', 'Notifications']],
  street_official: [['#/queue', '审核队列', 'Review queue'], ['#/problems', '问题台账', 'Problems'], ['#/dashboard', '数据看板', 'Dashboard'], ['#/codes', '激活码', 'Activation codes'], ['#/notifications', '通知', 'Notifications']],
  park_manager: [['#/dashboard', '分行业看板', 'Sectors'], ['#/streets', '分街道', 'Streets'], ['#/problems', '问题台账', 'Problems'], ['#/registry', '企业名录导入', 'Registry'], ['#/codes', '激活码', 'Activation codes'], ['#/reports', '部门报表', 'Reports'], ['#/audit', '审计日志', 'Audit log']],
  admin: [['#/dashboard', '分行业看板', 'Sectors'], ['#/streets', '分街道', 'Streets'], ['#/registry', '企业名录导入', 'Registry'], ['#/codes', '激活码', 'Activation codes'], ['#/reports', '部门报表', 'Reports'], ['#/audit', '审计日志', 'Audit log']],
  department: [['#/reports', '部门报表', 'Reports'], ['#/notifications', '通知', 'Notifications']],
};
function homeOf(role) { return (NAV[role] || [['#/login']])[0][0]; }

function renderShell() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!S.user) { nav.replaceChildren(); who.replaceChildren(); return; }
  const path = parseHash().path;
  nav.replaceChildren(h('ul', null, (NAV[S.user.role] || []).map(([href, zh, en]) => {
    const active = path === href.slice(1) || (href === '#/filings' && path.startsWith('/filing')) || (href === '#/queue' && path.startsWith('/filing'));
    return h('li', null, h('a', { href, 'aria-current': active ? 'page' : null }, bi(zh, en)));
  })));
  const roleName = ROLE[S.user.role] || [S.user.role, ''];
  const logout = h('button', { type: 'button', class: 'secondary', onclick: doLogout }, bi('退出', 'Sign out'));
  who.replaceChildren(h('span', null, S.user.username, ' · ', roleName[0], S.user.street ? ` · ${streetName(S.user.street)}` : ''), logout);
}
function flash(kind, ...kids) {
  const area = document.getElementById('flash');
  area.replaceChildren(info(kind, ...kids));
}
function clearFlash() { document.getElementById('flash').replaceChildren(); }

async function doLogout() {
  try { await api('POST', '/auth/logout'); } catch { /* the session may already be gone */ }
  S.user = null; S.csrf = null; S.enterprise = null;
  location.hash = '#/login';
  renderShell();
  flash('ok', bi('已退出登录', 'Signed out'));
}
function sessionEnded() {
  S.user = null; S.csrf = null; S.enterprise = null;
  renderShell();
  location.hash = '#/login';
  flash('warn', bi('登录已过期，请重新登录', 'Your session ended; please sign in again'));
}

// ---------------------------------------------------------------- streets (names)

async function loadStreets() {
  if (S.streets) return S.streets;
  try {
    const d = await api('GET', '/streets');
    S.streets = [];
    for (const z of d.zones || []) for (const s of z.streets || []) S.streets.push({ code: s.code, name: s.name, zone: z.code, zoneName: z.name });
  } catch { S.streets = []; }
  return S.streets;
}
function streetName(code) { const s = (S.streets || []).find((x) => x.code === code); return s ? s.name : code || '—'; }
function streetSelect(id, { all = true, value = '' } = {}) {
  return h('select', { id, name: 'street' }, all ? h('option', { value: '' }, '全部街道 / all streets') : null,
    (S.streets || []).map((s) => h('option', { value: s.code, selected: s.code === value }, `${s.name}（${s.zoneName}）`)));
}

const entCache = new Map();
async function enterprise(id) {
  if (id == null) return null;
  if (!entCache.has(id)) entCache.set(id, api('GET', `/enterprises/${encodeURIComponent(id)}`).catch(() => null));
  return entCache.get(id);
}

// ---------------------------------------------------------------- router

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q] = raw.split('?');
  return { path, params: new URLSearchParams(q || '') };
}
function go(hash) { if (location.hash === hash) render(); else location.hash = hash; }
function setHashQuery(path, query) {
  const q = qs(query);
  history.replaceState(null, '', `#${path}${q}`);
}

const ROUTES = [
  [/^\/login$/, null, viewLogin],
  [/^\/filings$/, ['enterprise'], viewMyFilings],
  [/^\/filing\/new$/, ['enterprise'], viewNewFiling],
  [/^\/filing\/(\d+)$/, ['enterprise', 'street_official', 'park_manager', 'admin'], viewFiling],
  [/^\/queue$/, ['street_official', 'park_manager', 'admin'], viewQueue],
  [/^\/problems$/, ['enterprise', 'street_official', 'park_manager', 'admin'], viewProblems],
  [/^\/notifications$/, null, viewNotifications],
  [/^\/dashboard$/, ['street_official', 'park_manager', 'admin'], viewDashboard],
  [/^\/streets$/, ['street_official', 'park_manager', 'admin'], viewStreets],
  [/^\/registry$/, ['park_manager', 'admin'], viewRegistry],
  [/^\/codes$/, ['street_official', 'park_manager', 'admin'], viewCodes],
  [/^\/audit$/, ['park_manager', 'admin'], viewAudit],
  [/^\/reports$/, ['department', 'park_manager', 'admin'], viewReports],
  [/^\/reports\/([\w.-]+)$/, ['department', 'park_manager', 'admin'], viewReport],
];

async function render() {
  const seq = ++S.renderSeq;
  const { path, params } = parseHash();
  const main = document.getElementById('main');
  if (!S.user && path !== '/login') { location.replace('#/login'); return; }
  if (S.user && (path === '/login' || path === '/')) { location.replace(homeOf(S.user.role)); return; }
  renderShell();
  const route = ROUTES.find(([re]) => re.test(path));
  const view = h('div');
  if (!route) {
    view.append(h('h1', { tabindex: '-1' }, bi('页面不存在', 'Page not found')), h('p', null, h('a', { href: homeOf(S.user.role) }, bi('返回首页', 'Back home'))));
  } else if (route[1] && !route[1].includes(S.user.role)) {
    view.append(h('h1', { tabindex: '-1' }, bi('没有权限', 'Not allowed')), h('p', null, bi('您的账号不能访问此页面。', 'Your account cannot open this page.')));
  } else {
    const m = path.match(route[0]);
    try {
      await route[2](view, m.slice(1), params);
    } catch (e) {
      console.error(e);
      view.append(e instanceof ApiError ? errorBox(e) : info('error', String(e)));
    }
  }
  if (seq !== S.renderSeq) return; // a newer navigation won
  main.replaceChildren(view);
  if (S.pending) { const p = S.pending; S.pending = null; view.prepend(p); }
  const h1 = main.querySelector('h1');
  if (h1 && document.activeElement?.closest?.('main') == null) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); }
}
window.addEventListener('hashchange', () => { clearFlash(); render(); });

// ---------------------------------------------------------------- login

function viewLogin(view) {
  const box = h('div');
  const user = h('input', { id: 'login-user', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', id: 'login-submit' }, bi('登录', 'Sign in'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'login-h' },
    h('h2', { id: 'login-h' }, bi('账号登录', 'Sign in')),
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, bi('用户名', 'Username')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-pass' }, bi('密码', 'Password')), pass),
    box, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    busy(submit, true);
    const r = await guard(box, () => api('POST', '/auth/login', { json: { username: user.value.trim(), password: pass.value } }));
    busy(submit, false);
    if (!r) { pass.value = ''; pass.focus(); return; }
    S.user = r.user; S.csrf = r.csrf_token;
    clearFlash();
    await loadStreets();
    location.hash = homeOf(S.user.role);
  });

  // First use: an enterprise claims its account with the code from its street.
  const abox = h('div');
  const f = (id, zh, en, type = 'text', ac) => h('div', { class: 'field' }, h('label', { for: id }, bi(zh, en)), h('input', { id, name: id, type, required: true, autocomplete: ac || 'off' }));
  const aform = h('form', null,
    h('div', { class: 'fields' },
      f('act-code', '统一社会信用代码', 'Credit code'), f('act-key', '激活码', 'Activation code'),
      f('act-user', '设置用户名', 'Choose a username', 'text', 'username'), f('act-pass', '设置密码（至少 12 位）', 'Choose a password', 'password', 'new-password')),
    abox, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, bi('激活账号', 'Activate'))));
  aform.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (id) => aform.querySelector(`#${id}`).value.trim();
    const r = await guard(abox, () => api('POST', '/auth/activate', { json: { credit_code: v('act-code'), activation_code: v('act-key'), username: v('act-user'), password: aform.querySelector('#act-pass').value } }));
    if (r) { abox.replaceChildren(info('ok', bi('账号已激活，请用新账号登录。', 'Account activated; sign in with it.'))); user.value = v('act-user'); }
  });

  add(view,
    h('h1', null, bi('复工备案审查平台', 'Back-to-work filing')),
    h('p', { class: 'muted' }, bi('企业提交复工方案和员工健康台账，规则自动审查，街道审批或退回整改，管委会按行业查看备案率。',
      'Enterprises file a plan and a staff health roster; rules check them; streets approve or return them; park managers watch rates per sector.')),
    h('div', { class: 'grid two' }, form,
      h('section', { class: 'card' }, h('h2', null, bi('企业首次使用', 'First time here?')),
        h('p', { class: 'hint' }, bi('请用街道发放的激活码认领企业账号。', 'Claim your enterprise account with the code your street gave you.')), aform)));
}

// ---------------------------------------------------------------- enterprise: filings

async function viewMyFilings(view) {
  add(view, h('h1', null, bi('我的备案', 'My filing')));
  const ent = await enterprise(S.user.enterprise_id);
  if (ent) {
    view.append(card(null, dl([
      [bi('企业名称', 'Enterprise'), ent.name], [bi('统一社会信用代码', 'Credit code'), ent.credit_code],
      [bi('所属街道', 'Street'), streetName(ent.street)], [bi('行业', 'Sector'), label(SECTOR, ent.sector)],
    ])));
  }
  const list = await api('GET', '/filings', { query: { page_size: 50 } });
  const items = list.items || [];
  const open = items.find((f) => f.status === 'draft' || f.status === 'returned');
  view.append(card(bi('备案记录', 'Filings'),
    open ? info('info', bi(`备案 #${open.id} 尚未提交（${STATUS[open.status][0]}），请继续填写并提交。`, `Filing #${open.id} is not submitted yet; complete and submit it.`), ' ',
      h('a', { href: `#/filing/${open.id}` }, bi('继续', 'Continue'))) : null,
    table('备案记录 filings', [
      { zh: '编号', en: 'No.', cell: (f) => h('a', { href: `#/filing/${f.id}` }, `#${f.id}`) },
      { zh: '状态', en: 'Status', cell: (f) => badge(STATUS, f.status) },
      { zh: '计划复工', en: 'Planned date', cell: (f) => f.planned_resume_date || '—' },
      { zh: '员工', en: 'Staff', num: true, cell: (f) => fmtNum(f.staff_total) },
      { zh: '修订', en: 'Revision', num: true, cell: (f) => f.revision },
      { zh: '提交时间', en: 'Submitted', cell: (f) => fmtTime(f.submitted_at) },
      { zh: '批准时间', en: 'Approved', cell: (f) => fmtTime(f.approved_at) },
    ], items, bi('还没有备案，请新建。', 'No filing yet: create one.')),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/filing/new' }, bi('新建备案', 'New filing')))));
}

const FIELD_LABELS = {
  planned_resume_date: '计划复工日期', staff_total: '员工总数', staff_onsite: '到岗人数',
  'supplies.masks': '口罩', 'supplies.thermometers': '体温计', 'supplies.disinfectant_liters': '消毒液',
  'supplies.isolation_room': '临时隔离室', plan_text: '复工方案', 'contact.name': '联系人', 'contact.phone': '联系电话',
};

/** The filing form (create and edit). Returns {el, data(), showErrors(details), clear()}. */
function filingForm(v, { readonly = false } = {}) {
  v = v || {};
  const sup = v.supplies || {}; const con = v.contact || {};
  const inputs = {};
  const field = (name, zh, en, attrs, hint) => {
    const id = `f-${name.replace('.', '-')}`;
    const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
    const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
    const tag = attrs.type === 'textarea' ? 'textarea' : 'input';
    const a = { id, name, ...attrs, disabled: readonly, 'aria-describedby': [hintEl && `${id}-hint`, `${id}-err`].filter(Boolean).join(' ') };
    if (tag === 'textarea') delete a.type;
    const input = h(tag, a);
    inputs[name] = { input, err };
    return h('div', { class: 'field' }, h('label', { for: id }, bi(zh, en)), hintEl, input, err);
  };
  const iso = h('input', { id: 'f-supplies-isolation_room', name: 'supplies.isolation_room', type: 'checkbox', checked: !!sup.isolation_room, disabled: readonly, 'aria-describedby': 'f-supplies-isolation_room-err' });
  const isoErr = h('p', { class: 'field-error', id: 'f-supplies-isolation_room-err', hidden: true });
  inputs['supplies.isolation_room'] = { input: iso, err: isoErr };
  const summary = h('div', { tabindex: '-1' });
  const el = h('div', null, summary,
    h('div', { class: 'fields' },
      field('planned_resume_date', '计划复工日期', 'Planned resumption date', { type: 'date', value: v.planned_resume_date || '', required: true }),
      field('staff_total', '员工总数', 'Staff total', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: v.staff_total ?? '' }),
      field('staff_onsite', '首批到岗人数', 'Staff on site', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: v.staff_onsite ?? '' }, bi('不超过员工总数', 'At most the staff total'))),
    h('fieldset', null, h('legend', null, bi('防疫物资', 'Prevention supplies')),
      h('div', { class: 'fields' },
        field('supplies.masks', '口罩（只）', 'Masks', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: sup.masks ?? '' }),
        field('supplies.thermometers', '体温计（支）', 'Thermometers', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: sup.thermometers ?? '' }),
        field('supplies.disinfectant_liters', '消毒液（升）', 'Disinfectant (litres)', { type: 'number', min: '0', step: '0.01', inputmode: 'decimal', value: sup.disinfectant_liters ?? '' })),
      h('div', { class: 'check' }, iso, h('label', { for: 'f-supplies-isolation_room' }, bi('已设置临时隔离观察室', 'Isolation room set aside'))), isoErr),
    field('plan_text', '复工方案', 'Resumption plan', { type: 'textarea', rows: '8', value: v.plan_text || '' },
      bi('可直接填写，或在下方上传方案文件（DOCX、PDF、TXT）。', 'Type it here or upload the plan file below (DOCX, PDF, TXT).')),
    h('fieldset', null, h('legend', null, bi('联系人', 'Contact')),
      h('div', { class: 'fields' },
        field('contact.name', '姓名', 'Name', { type: 'text', autocomplete: 'name', value: con.name || '' }),
        field('contact.phone', '手机号', 'Phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel', value: con.phone || '' }))));

  function num(name) { const s = inputs[name].input.value.trim(); return s === '' ? undefined : Number(s); }
  function data() {
    return {
      planned_resume_date: inputs.planned_resume_date.input.value,
      staff_total: num('staff_total'), staff_onsite: num('staff_onsite'),
      supplies: { masks: num('supplies.masks'), thermometers: num('supplies.thermometers'), disinfectant_liters: num('supplies.disinfectant_liters'), isolation_room: iso.checked },
      plan_text: inputs.plan_text.input.value,
      contact: { name: inputs['contact.name'].input.value, phone: inputs['contact.phone'].input.value },
    };
  }
  function clear() {
    summary.replaceChildren();
    for (const { input, err } of Object.values(inputs)) { input.removeAttribute('aria-invalid'); err.hidden = true; err.replaceChildren(); }
  }
  /** Shows 422 details next to their fields and in a summary that links to them. */
  function showErrors(e) {
    clear();
    const rest = [];
    const links = [];
    for (const d of e.details || []) {
      const f = inputs[d.field];
      if (!f) { rest.push(d); continue; }
      f.input.setAttribute('aria-invalid', 'true');
      f.err.hidden = false;
      if (f.err.childNodes.length) f.err.append(h('br'));
      add(f.err, msg(d.message));
      links.push(h('li', null, h('a', { href: `#${f.input.id}`, 'data-focus': f.input.id }, `${FIELD_LABELS[d.field] || d.field}：`), msg(d.message)));
    }
    const box = info('error', h('strong', null, msg(e.message)), h('ul', null, links, rest.map((d) => h('li', null, detailText(d, FIELD_LABELS)))));
    // in-page links must not change the route
    box.addEventListener('click', (ev) => { const a = ev.target.closest('a[data-focus]'); if (a) { ev.preventDefault(); document.getElementById(a.dataset.focus)?.focus(); } });
    summary.replaceChildren(box);
    summary.focus();
  }
  return { el, data, showErrors, clear };
}

async function viewNewFiling(view) {
  add(view, h('h1', null, bi('新建复工备案', 'New resumption filing')),
    h('p', { class: 'muted' }, bi('先保存草稿，再上传复工方案和员工健康台账，最后提交审核。', 'Save a draft, upload the plan and the staff roster, then submit for review.')));
  const form = filingForm({ planned_resume_date: today(3) });
  const btn = h('button', { type: 'submit' }, bi('保存草稿', 'Save draft'));
  const f = h('form', { class: 'card', novalidate: true }, form.el, h('div', { class: 'actions' }, btn, h('a', { href: '#/filings', class: 'button secondary' }, bi('取消', 'Cancel'))));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    busy(btn, true);
    try {
      const r = await api('POST', '/filings', { json: form.data() });
      S.pending = info('ok', bi(`已保存草稿 #${r.id}。下一步：上传附件并提交审核。`, `Draft #${r.id} saved. Next: upload the files and submit.`));
      location.hash = `#/filing/${r.id}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) form.showErrors(e);
      else form.el.firstChild.replaceChildren(errorBox(e));
    } finally { busy(btn, false); }
  });
  view.append(f);
}

function flagList(flags) {
  if (!flags || flags.length === 0) return h('p', { class: 'muted' }, bi('未发现问题', 'No flags'));
  const order = { block: 0, warn: 1, info: 2 };
  const sorted = [...flags].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
  return h('ul', { class: 'flags' }, sorted.map((f) => h('li', { class: `flag sev-${f.severity}` },
    h('span', { class: 'sev' }, label(SEV, f.severity)), msg(f.message), ' ', h('span', { class: 'rule' }, f.rule_id))));
}
function flagCounts(flags) {
  const c = { block: 0, warn: 0, info: 0 };
  for (const f of flags || []) c[f.severity] = (c[f.severity] || 0) + 1;
  return c;
}
function rosterSummary(s) {
  if (!s) return null;
  const t = (k, zh, en, alert) => h('div', { class: `tile${alert && s[k] > 0 ? ' alert' : ''}` }, h('span', { class: 'n' }, fmtNum(s[k] ?? 0)), bi(zh, en));
  return h('div', { class: 'summary-tiles', role: 'group', 'aria-label': '台账汇总 roster summary' },
    t('rows', '人数', 'Rows'), t('fever', '发热(≥37.3℃)', 'Fever', true), t('health_code_red', '红码', 'Red code', true),
    t('health_code_yellow', '黄码', 'Yellow code', true), t('hubei_14d', '14日内湖北旅居', 'Hubei ≤14 d', true), t('in_quarantine', '仍在隔离期', 'In quarantine', true));
}
function attachmentList(atts) {
  if (!atts || atts.length === 0) return h('p', { class: 'muted' }, bi('尚未上传附件', 'No files yet'));
  return h('ul', { class: 'flags' }, atts.map((a) => h('li', { class: 'tile' },
    h('strong', null, a.kind === 'roster' ? bi('员工健康台账', 'Staff roster') : bi('复工方案', 'Plan')), ' · ',
    h('a', { href: dl_url(`/attachments/${encodeURIComponent(a.id)}/content`), download: '' }, a.filename || `attachment-${a.id}`),
    h('span', { class: 'muted' }, ` · ${fmtSize(a.size)} · ${fmtTime(a.created_at)}`),
    a.note ? h('p', { class: 'hint' }, msg(a.note)) : null,
    a.kind === 'roster' ? rosterSummary(a.summary) : null)));
}
function revisionTable(revs) {
  return table('修订历史 revisions', [
    { zh: '修订', en: 'Revision', num: true, cell: (r) => r.number },
    { zh: '时间', en: 'Time', cell: (r) => fmtTime(r.created_at) },
    { zh: '规则版本', en: 'Rule set', cell: (r) => r.ruleset_version || '—' },
    { zh: '阻断/警告/提示', en: 'Block/warn/info', cell: (r) => { const c = flagCounts(r.flags); return [h('span', { class: 'count-block' }, c.block), ' / ', h('span', { class: 'count-warn' }, c.warn), ' / ', c.info]; } },
    { zh: '台账人数', en: 'Roster rows', num: true, cell: (r) => (r.roster_summary ? fmtNum(r.roster_summary.rows) : '—') },
  ], [...(revs || [])].sort((a, b) => b.number - a.number), bi('尚未提交过', 'Not submitted yet'));
}
function problemTable(items, { actions } = {}) {
  const cols = [
    { zh: '编号', en: 'No.', cell: (p) => `#${p.id}` },
    { zh: '来源', en: 'Source', cell: (p) => label(SOURCE, p.source) },
    { zh: '问题', en: 'Problem', cell: (p) => [msg(p.title), p.waived_reason ? h('p', { class: 'hint' }, '豁免理由 / reason: ', p.waived_reason) : null] },
    { zh: '状态', en: 'Status', cell: (p) => badge(PSTATUS, p.status) },
    { zh: '发现时间', en: 'Found', cell: (p) => fmtTime(p.created_at) },
    { zh: '整改时间', en: 'Rectified', cell: (p) => fmtTime(p.rectified_at) },
    { zh: '备案', en: 'Filing', cell: (p) => (p.filing_id ? (S.user.role === 'department' ? `#${p.filing_id}` : h('a', { href: `#/filing/${p.filing_id}` }, `#${p.filing_id}`)) : streetName(p.street)) },
  ];
  if (actions) cols.push({ zh: '操作', en: 'Action', cell: actions });
  return table('问题 problems', cols, items, bi('没有问题', 'No problems'));
}
/** Waive button that opens an inline reason form under it. */
function waiveControl(p, onDone) {
  if (p.status !== 'open') return '—';
  const wrap = h('div');
  const id = uid('waive');
  const reason = h('input', { id, type: 'text', required: true, maxlength: '500' });
  const box = h('div');
  const ok = h('button', { type: 'submit', class: 'danger' }, bi('确认豁免', 'Waive'));
  const form = h('form', { hidden: true }, h('div', { class: 'field' }, h('label', { for: id }, bi('豁免理由', 'Reason')), reason), box,
    h('div', { class: 'actions' }, ok));
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, bi('豁免', 'Waive'));
  toggle.addEventListener('click', () => { form.hidden = !form.hidden; toggle.setAttribute('aria-expanded', String(!form.hidden)); if (!form.hidden) reason.focus(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    busy(ok, true);
    const r = await guard(box, () => api('POST', `/problems/${encodeURIComponent(p.id)}/waive`, { json: { reason: reason.value.trim() } }));
    busy(ok, false);
    if (r) { flash('ok', bi(`问题 #${p.id} 已豁免`, `Problem #${p.id} waived`)); onDone(); }
  });
  return add(wrap, toggle, form);
}

async function viewFiling(view, [id]) {
  if (S.user.role === 'enterprise') return viewFilingEnterprise(view, id);
  return viewFilingOfficial(view, id);
}

async function viewFilingEnterprise(view, id) {
  const f = await api('GET', `/filings/${encodeURIComponent(id)}`);
  const editable = f.status === 'draft' || f.status === 'returned';
  add(view, h('p', null, h('a', { href: '#/filings' }, '← ', bi('我的备案', 'My filing'))),
    h('h1', null, bi(`复工备案 #${f.id}`, `Filing #${f.id}`), ' ', badge(STATUS, f.status)));
  const reload = () => go(`#/filing/${f.id}`);

  if (f.status === 'returned') view.append(info('warn', bi('备案被退回整改：请根据下方问题修改后重新提交。', 'Returned for rectification: fix the problems below and submit again.')));
  if (f.status === 'rejected') view.append(info('error', bi('备案未予通过。如需复工，请新建备案。', 'This filing was rejected. Create a new filing to resume.')));
  if (f.status === 'submitted') view.append(info('info', bi('已提交，等待街道审核。', 'Submitted; waiting for the street to review it.')));

  view.append(card(bi('状态', 'Status'), dl([
    [bi('状态', 'Status'), badge(STATUS, f.status)], [bi('修订', 'Revision'), String(f.revision)],
    [bi('计划复工日期', 'Planned date'), f.planned_resume_date], [bi('提交时间', 'Submitted'), fmtTime(f.submitted_at)],
    [bi('批准时间', 'Approved'), fmtTime(f.approved_at)], [bi('实际复工日期', 'Resumed on'), f.resumed_date || '—'],
    f.ruleset_version ? [bi('规则版本', 'Rule set'), f.ruleset_version] : null,
  ])));

  // Latest rule flags (the submit result is shown above them when fresh).
  const flagsCard = card(bi('规则审查结果', 'Rule check'), f.revision > 0 ? flagList(f.flags) : h('p', { class: 'muted' }, bi('提交后显示规则审查结果。', 'Flags appear once you submit.')));
  flagsCard.id = 'flags';

  // Edit form (draft / returned only) or a read-only view.
  const form = filingForm(f, { readonly: !editable });
  const saveBtn = h('button', { type: 'submit' }, bi('保存修改', 'Save changes'));
  const formEl = h('form', { novalidate: true }, form.el, editable ? h('div', { class: 'actions' }, saveBtn) : null);
  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!editable) return;
    busy(saveBtn, true);
    try {
      await api('PATCH', `/filings/${f.id}`, { json: form.data() });
      S.pending = info('ok', bi('已保存', 'Saved'));
      reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) form.showErrors(e);
      else form.el.firstChild.replaceChildren(errorBox(e));
    } finally { busy(saveBtn, false); }
  });
  const editCard = card(editable ? bi('填写备案', 'Filing details') : bi('备案内容', 'Filing details'),
    editable ? null : h('p', { class: 'hint' }, bi('已提交的备案不能修改；被退回后可修改。', 'A submitted filing cannot be edited; a returned one can.')), formEl);

  // Uploads.
  const attCard = card(bi('附件', 'Files'), attachmentList(f.attachments));
  if (editable) {
    attCard.append(h('div', { class: 'grid two' },
      uploadForm(f.id, 'plan', bi('上传复工方案', 'Upload plan'), '.docx,.pdf,.txt', bi('DOCX、PDF 或 TXT', 'DOCX, PDF or TXT'), reload),
      uploadForm(f.id, 'roster', bi('上传员工健康台账', 'Upload staff roster'), '.csv,.xlsx', bi('CSV 或 XLSX；列：姓名、身份证号、手机号、部门、体温、健康码、近14日旅居史、返回日期、隔离结束日期', 'CSV or XLSX; columns: name, id_number, phone, department, temperature, health_code, travel_14d, return_date, quarantine_end'), reload)));
  }

  // Submit.
  let submitCard = null;
  if (editable) {
    const box = h('div');
    const btn = h('button', { type: 'button', id: 'submit-filing' }, bi('提交审核', 'Submit for review'));
    btn.addEventListener('click', async () => {
      busy(btn, true);
      box.replaceChildren();
      try {
        const r = await api('POST', `/filings/${f.id}/submit`);
        const c = flagCounts(r.flags);
        const head = r.blocked || c.block > 0
          ? info('error', h('strong', null, bi(`未能提交：有 ${c.block} 个阻断问题，须先整改。`, `Not submitted: ${c.block} blocking flag(s) must be fixed first.`)),
            h('p', null, bi('红色为阻断项（不改不能提交），黄色为警告（审核时会看到），蓝色为提示。', 'Red blocks submission; amber is a warning reviewers will see; blue is for information.')))
          : info('ok', h('strong', null, bi(`已提交，等待街道审核（修订 ${r.revision}）。`, `Submitted for review (revision ${r.revision}).`)),
            c.warn ? h('p', null, bi(`有 ${c.warn} 个警告，审核人员会看到。`, `${c.warn} warning(s) the reviewer will see.`)) : null);
        head.append(h('p', null, h('a', { href: '#flags', 'data-focus': 'flags' }, bi('查看规则审查结果', 'See the flags below'))));
        head.addEventListener('click', (ev) => { const a = ev.target.closest('a[data-focus]'); if (a) { ev.preventDefault(); document.getElementById(a.dataset.focus)?.scrollIntoView(); } });
        S.pending = h('div', { id: 'submit-result' }, head);
        reload();
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) { form.showErrors(e); box.replaceChildren(errorBox(e, FIELD_LABELS)); }
        else box.replaceChildren(errorBox(e));
        busy(btn, false);
      }
    });
    submitCard = card(bi('提交审核', 'Submit'), h('p', { class: 'hint' }, bi('提交前请先保存修改。提交后规则引擎立即审查；有阻断项时不会进入审核。', 'Save your changes first. Rules check the filing at once; a blocking flag keeps it from review.')), box, h('div', { class: 'actions' }, btn));
  }

  // Resumption date.
  let resumeCard = null;
  if (f.status !== 'draft') {
    const rid = 'resume-date';
    const date = h('input', { id: rid, type: 'date', value: f.resumed_date || today(), required: true });
    const box = h('div');
    const btn = h('button', { type: 'submit' }, bi('记录复工日期', 'Record resumption'));
    const rf = h('form', null, h('div', { class: 'inline' }, h('div', { class: 'field' }, h('label', { for: rid }, bi('实际复工日期', 'Date work resumed')), date), btn), box);
    rf.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      busy(btn, true);
      box.replaceChildren();
      try {
        await api('POST', `/filings/${f.id}/resumption`, { json: { date: date.value } });
        S.pending = info('ok', bi(`已记录复工日期 ${date.value}`, `Resumption on ${date.value} recorded`));
        reload();
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) box.replaceChildren(info('warn', h('strong', null, msg(e.message)), h('p', null, bi('备案获批前不得复工。', 'Do not resume work before the filing is approved.'))));
        else box.replaceChildren(errorBox(e));
      } finally { busy(btn, false); }
    });
    resumeCard = card(bi('复工登记', 'Resumption'), h('p', { class: 'hint' }, bi('备案获批后，登记实际复工日期。', 'Once approved, record the day work actually resumed.')), rf);
  }

  const probs = h('div');
  const revs = card(bi('修订历史', 'Revision history'), revisionTable(f.revisions));
  add(view, flagsCard, editCard, attCard, submitCard, card(bi('整改问题', 'Problems to fix'), probs), resumeCard, revs);
  section(probs, async () => problemTable((await api('GET', '/problems', { query: { filing_id: f.id, page_size: 100 } })).items));
}

function uploadForm(filingId, kind, title, accept, hint, onDone) {
  const id = `up-${kind}`;
  const input = h('input', { id, type: 'file', name: 'file', accept, required: true, 'aria-describedby': `${id}-hint` });
  const box = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'secondary' }, bi('上传', 'Upload'));
  const form = h('form', { class: 'tile', 'data-kind': kind }, h('div', { class: 'field' }, h('label', { for: id }, title), h('p', { class: 'hint', id: `${id}-hint` }, hint), input), h('div', { class: 'actions' }, btn), box);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!input.files || !input.files[0]) { box.replaceChildren(info('error', bi('请选择文件', 'Choose a file'))); input.focus(); return; }
    const fd = new FormData();
    fd.append('file', input.files[0]);
    busy(btn, true);
    const r = await guard(box, () => api('POST', `/filings/${filingId}/attachments`, { form: fd, query: { kind } }));
    busy(btn, false);
    if (r) {
      S.pending = info('ok', h('strong', null, bi(`已上传 ${r.filename}`, `Uploaded ${r.filename}`)),
        r.note ? h('p', null, msg(r.note)) : null, kind === 'roster' ? rosterSummary(r.summary) : null);
      onDone();
    }
  });
  return form;
}

// ---------------------------------------------------------------- officials: filing detail

async function viewFilingOfficial(view, id) {
  const f = await api('GET', `/filings/${encodeURIComponent(id)}`);
  const ent = await enterprise(f.enterprise_id);
  const reload = () => go(`#/filing/${f.id}`);
  add(view, h('p', null, h('a', { href: '#/queue' }, '← ', bi('审核队列', 'Review queue'))),
    h('h1', null, ent ? ent.name : bi(`备案 #${f.id}`, `Filing #${f.id}`), ' ', badge(STATUS, f.status)));
  const s = f.supplies || {};
  view.append(h('div', { class: 'grid two' },
    card(bi('企业与备案', 'Enterprise and filing'), dl([
      [bi('备案编号', 'Filing'), `#${f.id}（修订 ${f.revision}）`],
      ent ? [bi('统一社会信用代码', 'Credit code'), ent.credit_code] : null,
      [bi('街道', 'Street'), streetName(f.street)], [bi('行业', 'Sector'), label(SECTOR, f.sector)],
      ent && ent.above_scale ? [bi('规上', 'Above scale'), '是 / yes'] : null,
      [bi('计划复工日期', 'Planned date'), f.planned_resume_date], [bi('提交时间', 'Submitted'), fmtTime(f.submitted_at)],
      [bi('批准时间', 'Approved'), fmtTime(f.approved_at)], [bi('实际复工', 'Resumed'), f.resumed_date || '—'],
      [bi('联系人', 'Contact'), `${(f.contact || {}).name || '—'} ${(f.contact || {}).phone || ''}`],
    ])),
    card(bi('人员与物资', 'Staff and supplies'), dl([
      [bi('员工总数', 'Staff total'), fmtNum(f.staff_total)], [bi('到岗人数', 'On site'), fmtNum(f.staff_onsite)],
      [bi('口罩', 'Masks'), fmtNum(s.masks)], [bi('体温计', 'Thermometers'), fmtNum(s.thermometers)],
      [bi('消毒液（升）', 'Disinfectant L'), fmtNum(s.disinfectant_liters)], [bi('隔离观察室', 'Isolation room'), s.isolation_room ? '有 / yes' : '无 / no'],
    ]))));
  view.append(card(bi('规则审查结果', 'Rule flags'), f.ruleset_version ? h('p', { class: 'hint' }, `规则版本 / rule set ${f.ruleset_version}`) : null, flagList(f.flags)));

  // Review decision (the street official of the filing's street, on a submitted filing).
  if (S.user.role === 'street_official' && f.status === 'submitted') view.append(reviewCard(f, reload));

  view.append(card(bi('复工方案', 'Plan'), f.plan_text ? h('pre', { class: 'plan', tabindex: '0' }, f.plan_text) : h('p', { class: 'muted' }, bi('未填写方案文字', 'No plan text'))));
  view.append(card(bi('附件', 'Files'), attachmentList(f.attachments), h('p', { class: 'hint' }, bi('台账下载为脱敏版本。', 'Rosters download with personal data masked.'))));

  const similar = h('div');
  view.append(card(bi('雷同方案', 'Similar plans'), similar));
  section(similar, async () => {
    const items = await api('GET', `/filings/${f.id}/similar`);
    if (!Array.isArray(items) || items.length === 0) return h('p', { class: 'muted' }, bi('未发现与其他企业雷同的方案。', 'No near-duplicate plans found.'));
    return h('ul', { class: 'flags' }, items.map((it) => h('li', { class: `flag ${it.similarity >= 0.8 ? 'sev-block' : 'sev-warn'}` },
      h('strong', null, `${Math.round((it.similarity || 0) * 100)}%`), ' ', it.outside_scope ? bi('其他街道的备案', 'a filing elsewhere') : [it.enterprise_name || '', ' · ', h('a', { href: `#/filing/${it.filing_id}` }, `#${it.filing_id}`)],
      (it.shared_passages || []).slice(0, 3).map((p) => h('blockquote', { class: 'hint' }, h('mark', null, p.text))))));
  });

  const probs = h('div');
  const loadProblems = () => section(probs, async () => {
    const items = (await api('GET', '/problems', { query: { filing_id: f.id, page_size: 100 } })).items || [];
    return [problemTable(items, { actions: (p) => waiveControl(p, loadProblems) }), noticeForm(f, items.filter((p) => p.status === 'open'))];
  });
  view.append(card(bi('问题与整改', 'Problems'), probs, inspectionForm({ filingId: f.id, onDone: () => loadProblems() })));
  loadProblems();

  const diff = h('div');
  view.append(card(bi('修订历史与对比', 'Revisions and changes'), revisionTable(f.revisions), h('h3', null, bi('最近一次修改', 'Latest changes')), diff));
  if ((f.revisions || []).length >= 2) section(diff, async () => diffView(await api('GET', `/filings/${f.id}/diff`)));
  else diff.append(h('p', { class: 'muted' }, bi('只有一个修订版本，暂无对比。', 'Only one revision; nothing to compare.')));
}

function diffView(d) {
  const fields = (d.fields || []).concat((d.roster_summary || []).map((x) => ({ ...x, field: `roster.${x.field}` })));
  const show = (v) => (v == null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return [
    h('p', { class: 'hint' }, `修订 ${d.from} → ${d.to} / revision ${d.from} → ${d.to}`),
    table('字段变化 changed fields', [
      { zh: '字段', en: 'Field', cell: (x) => [FIELD_LABELS[x.field] || '', ' ', h('code', null, x.field)] },
      { zh: '原值', en: 'Before', cell: (x) => show(x.from) }, { zh: '新值', en: 'After', cell: (x) => show(x.to) },
    ], fields, bi('字段无变化', 'No field changed')),
    d.plan_changed ? [h('h3', null, bi('方案文字变化', 'Plan text changes')),
      h('ul', { class: 'diff', 'aria-label': '方案对比 plan diff' }, (d.plan_text || []).filter((l) => l.op !== '=').slice(0, 400).map((l) =>
        h('li', { class: l.op === '+' ? 'add' : 'del' }, h('span', { class: 'sr-only' }, l.op === '+' ? '新增：' : '删除：'), `${l.op} ${l.text}`)))]
      : h('p', { class: 'muted' }, bi('方案文字未变', 'Plan text unchanged')),
  ];
}

function reviewCard(f, reload) {
  const box = h('div');
  const name = uid('decision');
  const radio = (value, zh, en) => { const id = `${name}-${value}`; return h('label', { for: id }, h('input', { type: 'radio', id, name, value, required: true }), bi(zh, en)); };
  const comment = h('textarea', { id: 'review-comment', rows: '3', maxlength: '2000' });
  const plist = h('div');
  const addProblem = () => {
    const n = plist.children.length + 1;
    const tid = uid('pt'), did = uid('pd');
    const row = h('fieldset', { class: 'problem-row' }, h('legend', null, bi(`问题 ${n}`, `Problem ${n}`)),
      h('div', { class: 'field' }, h('label', { for: tid }, bi('问题', 'Title')), h('input', { id: tid, type: 'text', class: 'p-title', maxlength: '200' })),
      h('div', { class: 'field' }, h('label', { for: did }, bi('说明', 'Detail')), h('input', { id: did, type: 'text', class: 'p-detail' })));
    const rm = h('button', { type: 'button', class: 'secondary' }, bi('移除', 'Remove'));
    rm.addEventListener('click', () => row.remove());
    row.append(rm);
    plist.append(row);
    row.querySelector('input').focus();
  };
  const addBtn = h('button', { type: 'button', class: 'secondary' }, bi('添加问题', 'Add a problem'));
  addBtn.addEventListener('click', addProblem);
  const btn = h('button', { type: 'submit', id: 'review-submit' }, bi('提交审核意见', 'Record decision'));
  const form = h('form', { 'aria-label': '审核 review' },
    h('fieldset', null, h('legend', null, bi('审核决定', 'Decision')), h('div', { class: 'radios' },
      radio('approve', '批准', 'Approve'), radio('return', '退回整改', 'Return for rectification'), radio('reject', '不予备案', 'Reject'))),
    h('div', { class: 'field' }, h('label', { for: 'review-comment' }, bi('审核意见', 'Comment')), h('p', { class: 'hint' }, bi('退回时须写明意见或列出问题。', 'A return needs a comment or at least one problem.')), comment),
    plist, h('div', { class: 'actions' }, addBtn), box, h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const decision = form.querySelector(`input[name="${name}"]:checked`)?.value;
    if (!decision) { box.replaceChildren(info('error', bi('请选择审核决定', 'Choose a decision'))); return; }
    const problems = [...plist.querySelectorAll('.problem-row')].map((r) => ({ title: r.querySelector('.p-title').value.trim(), detail: r.querySelector('.p-detail').value.trim() })).filter((p) => p.title || p.detail);
    busy(btn, true);
    box.replaceChildren();
    try {
      await api('POST', `/filings/${f.id}/review`, { json: { decision, comment: comment.value.trim(), problems, version: f.version } });
      const done = { approve: ['已批准', 'Approved'], return: ['已退回整改', 'Returned'], reject: ['已不予备案', 'Rejected'] }[decision];
      S.pending = info('ok', bi(`${done[0]}：备案 #${f.id}`, `${done[1]}: filing #${f.id}`));
      reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const again = h('button', { type: 'button', class: 'secondary' }, bi('刷新查看最新状态', 'Reload'));
        again.addEventListener('click', reload);
        box.replaceChildren(info('warn', h('strong', null, bi('未能保存：该备案已由他人处理或已有更新。', 'Not saved: someone else decided first or the filing changed.')), h('p', null, msg(e.message)), again));
      } else box.replaceChildren(errorBox(e));
      busy(btn, false);
    }
  });
  return card(bi('审核', 'Review'), form);
}

function inspectionForm({ filingId, onDone }) {
  const tid = uid('ins-t'), did = uid('ins-d'), sid = uid('ins-s');
  const box = h('div');
  const streetSel = !filingId && S.user.role !== 'street_official' ? streetSelect(sid, { all: false }) : null;
  const btn = h('button', { type: 'submit', class: 'secondary' }, bi('记录检查发现', 'Record finding'));
  const form = h('form', null, h('h3', null, bi('现场检查发现', 'Inspection finding')),
    streetSel ? h('div', { class: 'field' }, h('label', { for: sid }, bi('街道', 'Street')), streetSel) : null,
    h('div', { class: 'field' }, h('label', { for: tid }, bi('问题', 'Title')), h('input', { id: tid, type: 'text', required: true, maxlength: '200' })),
    h('div', { class: 'field' }, h('label', { for: did }, bi('说明', 'Detail')), h('textarea', { id: did, rows: '2' })), box, h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { title: form.querySelector(`#${tid}`).value.trim(), detail: form.querySelector(`#${did}`).value.trim() };
    if (filingId) body.filing_id = Number(filingId);
    else body.street = streetSel ? streetSel.value : S.user.street;
    busy(btn, true);
    const r = await guard(box, () => api('POST', '/problems', { json: body }));
    busy(btn, false);
    if (r) { form.reset(); flash('ok', bi(`已记录问题 #${r.id}`, `Problem #${r.id} recorded`)); onDone(); }
  });
  return form;
}

function noticeForm(f, open) {
  const box = h('div');
  const did = uid('nd'), nid = uid('nn');
  const btn = h('button', { type: 'submit', class: 'secondary' }, bi('发出整改意见函', 'Issue notice'));
  const checks = open.map((p) => { const id = uid('np'); return h('label', { for: id, class: 'check' }, h('input', { type: 'checkbox', id, value: String(p.id), checked: true }), `#${p.id} `, msg(p.title)); });
  const form = h('form', null, h('h3', null, bi('整改意见函', 'Rectification notice')),
    open.length ? h('fieldset', null, h('legend', null, bi('列入的问题', 'Problems listed')), checks)
      : h('p', { class: 'muted' }, bi('该备案没有待整改的问题。', 'This filing has no open problems.')),
    h('div', { class: 'inline' },
      h('div', { class: 'field' }, h('label', { for: did }, bi('整改期限', 'Deadline')), h('input', { id: did, type: 'date', required: true, value: today(7), min: today() })),
      h('div', { class: 'field' }, h('label', { for: nid }, bi('附言', 'Note')), h('input', { id: nid, type: 'text' }))),
    box, h('div', { class: 'actions' }, btn));
  if (!open.length) btn.disabled = true;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ids = [...form.querySelectorAll('input[type=checkbox]:checked')].map((c) => Number(c.value));
    busy(btn, true);
    const n = await guard(box, () => api('POST', `/filings/${f.id}/notices`, { json: { deadline: form.querySelector(`#${did}`).value, note: form.querySelector(`#${nid}`).value.trim(), problem_ids: ids } }));
    busy(btn, false);
    if (n) box.replaceChildren(info('ok', bi(`已发出意见函 ${n.number}（${(n.problems || []).length} 个问题，期限 ${n.deadline}）`, `Notice ${n.number} issued`), ' ',
      h('a', { href: dl_url(`/notices/${encodeURIComponent(n.id)}/document`), download: '' }, bi('打开意见函', 'Open the notice'))));
  });
  return form;
}

// ---------------------------------------------------------------- officials: queue

async function viewQueue(view, _m, params) {
  add(view, h('h1', null, bi('审核队列', 'Review queue')), h('p', { class: 'muted' }, bi('待审核的备案，最早提交的在前。', 'Filings awaiting review, oldest first.')));
  const sector = params.get('sector') || '', severity = params.get('severity') || '', page = Number(params.get('page') || 1);
  const sel = (id, name, value, opts) => h('select', { id, name }, opts.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
  const form = h('form', { class: 'card inline', role: 'search', 'aria-label': '筛选 filters' },
    h('div', { class: 'field' }, h('label', { for: 'q-sector' }, bi('行业', 'Sector')), sel('q-sector', 'sector', sector, [['', '全部 / all'], ['industrial', '工业 / industrial'], ['service', '服务业 / service'], ['construction', '建筑工地 / construction']])),
    h('div', { class: 'field' }, h('label', { for: 'q-sev' }, bi('规则提示级别', 'Flag severity')), sel('q-sev', 'severity', severity, [['', '全部 / all'], ['block', '阻断 / block'], ['warn', '警告 / warn'], ['info', '提示 / info']])),
    h('button', { type: 'submit' }, bi('筛选', 'Filter')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(`#/queue${qs({ sector: form.sector.value, severity: form.severity.value })}`); });
  view.append(form);
  const out = h('div');
  view.append(out);
  await section(out, async () => {
    const d = await api('GET', '/review/queue', { query: { sector, severity, page, page_size: 20 } });
    const items = d.items || [];
    // The queue carries enterprise_name: no request per row.
    const names = new Map(items.map((f) => [f.id, { name: f.enterprise_name }]));
    return [
      h('p', null, bi(`共 ${fmtNum(d.total)} 件待审核`, `${fmtNum(d.total)} awaiting review`)),
      table('审核队列 review queue', [
        { zh: '提交时间', en: 'Submitted', cell: (f) => fmtTime(f.submitted_at) },
        { zh: '企业', en: 'Enterprise', cell: (f) => h('a', { href: `#/filing/${f.id}` }, names.get(f.id)?.name || `#${f.id}`) },
        { zh: '行业', en: 'Sector', cell: (f) => label(SECTOR, f.sector) },
        { zh: '街道', en: 'Street', cell: (f) => streetName(f.street) },
        { zh: '计划复工', en: 'Planned', cell: (f) => f.planned_resume_date || '—' },
        { zh: '员工', en: 'Staff', num: true, cell: (f) => fmtNum(f.staff_total) },
        { zh: '修订', en: 'Rev.', num: true, cell: (f) => f.revision },
      ], items, bi('没有待审核的备案', 'Nothing to review')),
      pager(d, (p) => `#/queue${qs({ sector, severity, page: p })}`),
    ];
  });
}
function pager(d, hrefOf) {
  const pages = Math.max(1, Math.ceil((d.total || 0) / (d.page_size || 50)));
  if (pages <= 1) return null;
  const p = d.page || 1;
  return h('nav', { class: 'pager', 'aria-label': '分页 pages' },
    p > 1 ? h('a', { class: 'button secondary', href: hrefOf(p - 1) }, bi('上一页', 'Previous')) : null,
    h('span', null, `${p} / ${pages}`),
    p < pages ? h('a', { class: 'button secondary', href: hrefOf(p + 1) }, bi('下一页', 'Next')) : null);
}

// ---------------------------------------------------------------- problems ledger

async function viewProblems(view, _m, params) {
  const official = S.user.role !== 'enterprise';
  add(view, h('h1', null, official ? bi('问题台账', 'Problem ledger') : bi('整改问题', 'Problems to fix')));
  const status = params.get('status') || '', street = params.get('street') || '', page = Number(params.get('page') || 1);
  const canPickStreet = S.user.role === 'park_manager' || S.user.role === 'admin';
  const form = h('form', { class: 'card inline', role: 'search', 'aria-label': '筛选 filters' },
    h('div', { class: 'field' }, h('label', { for: 'p-status' }, bi('状态', 'Status')),
      h('select', { id: 'p-status', name: 'status' }, [['', '全部 / all'], ['open', '待整改 / open'], ['rectified', '已整改 / rectified'], ['waived', '已豁免 / waived']].map(([v, t]) => h('option', { value: v, selected: v === status }, t)))),
    canPickStreet ? h('div', { class: 'field' }, h('label', { for: 'p-street' }, bi('街道', 'Street')), streetSelect('p-street', { value: street })) : null,
    h('button', { type: 'submit' }, bi('筛选', 'Filter')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(`#/problems${qs({ status: form.status.value, street: form.street?.value })}`); });
  view.append(form);
  const out = h('div');
  const load = () => section(out, async () => {
    const d = await api('GET', '/problems', { query: { status, street, page, page_size: 50 } });
    return [h('p', null, bi(`共 ${fmtNum(d.total)} 个`, `${fmtNum(d.total)} in all`)),
      problemTable(d.items || [], official ? { actions: (p) => waiveControl(p, load) } : {}),
      pager(d, (p) => `#/problems${qs({ status, street, page: p })}`)];
  });
  view.append(out);
  await load();
  if (official && S.user.role !== 'admin') view.append(card(null, inspectionForm({ onDone: load })));
}

// ---------------------------------------------------------------- notifications

async function viewNotifications(view) {
  add(view, h('h1', null, bi('通知', 'Notifications')));
  const out = h('div');
  view.append(out);
  const load = () => section(out, async () => {
    const d = await api('GET', '/notifications', { query: { page_size: 100 } });
    const items = d.items || [];
    if (!items.length) return h('p', { class: 'muted' }, bi('暂无通知', 'No notifications'));
    return h('ul', { class: 'flags' }, items.map((n) => {
      const mark = n.read ? null : h('button', { type: 'button', class: 'secondary' }, bi('标为已读', 'Mark read'));
      mark?.addEventListener('click', async () => { busy(mark, true); try { await api('POST', `/notifications/${encodeURIComponent(n.id)}/read`); load(); } catch (e) { flash('error', msg(e.message)); busy(mark, false); } });
      return h('li', { class: `flag ${n.read ? 'sev-none' : 'sev-info'}` },
        n.read ? null : h('span', { class: 'sev' }, bi('未读', 'New')), msg(n.message),
        h('p', { class: 'hint' }, fmtTime(n.created_at), n.filing_id && S.user.role !== 'department' ? [' · ', h('a', { href: `#/filing/${n.filing_id}` }, bi(`备案 #${n.filing_id}`, 'open'))] : null),
        mark);
    }));
  });
  await load();
}

// ---------------------------------------------------------------- dashboards

function dashCols() {
  return [
    { zh: '总数', en: 'Total', num: true, cell: (r) => fmtNum(r.total) },
    { zh: '已提交', en: 'Submitted', num: true, cell: (r) => fmtNum(r.submitted) },
    { zh: '已批准', en: 'Approved', num: true, cell: (r) => fmtNum(r.approved) },
    { zh: '已退回', en: 'Returned', num: true, cell: (r) => fmtNum(r.returned) },
    { zh: '已复工', en: 'Resumed', num: true, cell: (r) => fmtNum(r.resumed) },
    { zh: '备案批准率', en: 'Approved %', num: true, cell: (r) => h('span', { class: 'rate' }, fmtRate(r.rate)) },
    { zh: '复工率', en: 'Resumed %', num: true, cell: (r) => fmtRate(r.resumed_rate) },
    { zh: '按期批准率', en: 'On time %', num: true, cell: (r) => fmtRate(r.on_time_rate) },
  ];
}
function downloads(path, query) {
  return h('p', { class: 'actions' }, h('span', null, bi('下载', 'Download'), '：'),
    h('a', { class: 'button secondary', href: dl_url(path, { ...query, format: 'csv' }), download: '' }, 'CSV'),
    h('a', { class: 'button secondary', href: dl_url(path, { ...query, format: 'xlsx' }), download: '' }, 'XLSX'));
}
function asOfForm(asOf, extra, onGo) {
  const date = h('input', { id: 'as-of', name: 'as_of', type: 'date', value: asOf || '' });
  const form = h('form', { class: 'card inline', 'aria-label': '统计日期 as of' },
    h('div', { class: 'field' }, h('label', { for: 'as-of' }, bi('统计截至', 'As of')), date), extra,
    h('button', { type: 'submit' }, bi('查询', 'Show')));
  const art = h('button', { type: 'button', class: 'secondary' }, bi('报道日 2020-02-28', 'Article date'));
  art.addEventListener('click', () => { date.value = '2020-02-28'; form.requestSubmit(); });
  form.append(art);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); onGo(form); });
  return form;
}

async function viewDashboard(view, _m, params) {
  const asOf = params.get('as_of') || '', street = params.get('street') || '';
  const canPickStreet = S.user.role !== 'street_official';
  add(view, h('h1', null, bi('分行业复工备案', 'Filing rates by sector')),
    S.user.role === 'street_official' ? h('p', { class: 'muted' }, bi(`本街道：${streetName(S.user.street)}`, 'Your street only')) : null);
  view.append(asOfForm(asOf, canPickStreet ? h('div', { class: 'field' }, h('label', { for: 'd-street' }, bi('街道', 'Street')), streetSelect('d-street', { value: street })) : null,
    (form) => go(`#/dashboard${qs({ as_of: form.as_of.value, street: form.street?.value })}`)));
  const out = h('div');
  view.append(out);
  await section(out, async () => {
    const d = await api('GET', '/dashboard/sectors', { query: { as_of: asOf, street } });
    const p = d.problems || {};
    const rf = d.report_forms;
    return [
      h('p', null, bi(`统计截至 ${d.as_of}`, `As of ${d.as_of}`), d.street ? ` · ${streetName(d.street)}` : ''),
      table('分行业 by sector', [{ zh: '行业', en: 'Sector', rowHeader: true, cell: (r) => r.name || r.key }, ...dashCols()], d.sectors || []),
      downloads('/dashboard/sectors', { as_of: asOf, street }),
      h('div', { class: 'grid two' },
        card(bi('问题整改', 'Problems rectified'), h('div', { class: 'summary-tiles' },
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtNum(p.found)), bi('发现问题', 'Found')),
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtNum(p.rectified)), bi('已整改', 'Rectified')),
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtRate(p.rate)), bi('整改率', 'Rate')))),
        rf ? card(bi('报表精简', 'Report forms cut'), h('div', { class: 'summary-tiles' },
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtNum(rf.before)), bi('原报表', 'Before')),
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtNum(rf.after)), bi('现报表', 'After')),
          h('div', { class: 'tile' }, h('span', { class: 'n' }, fmtRate(rf.cut_rate)), bi('精简率', 'Cut')))) : null),
    ];
  });
}

async function viewStreets(view, _m, params) {
  const asOf = params.get('as_of') || '', sector = params.get('sector') || 'industrial';
  add(view, h('h1', null, bi('分街道复工备案', 'Filing rates by street')));
  const sel = h('select', { id: 's-sector', name: 'sector' }, DASH_KEYS.map(([k, zh, en]) => h('option', { value: k, selected: k === sector }, `${zh} / ${en}`)));
  view.append(asOfForm(asOf, h('div', { class: 'field' }, h('label', { for: 's-sector' }, bi('行业', 'Sector')), sel),
    (form) => go(`#/streets${qs({ as_of: form.as_of.value, sector: form.sector.value })}`)));
  const out = h('div');
  view.append(out);
  await section(out, async () => {
    const d = await api('GET', '/dashboard/streets', { query: { as_of: asOf, sector } });
    return [
      h('p', null, bi(`统计截至 ${d.as_of}`, `As of ${d.as_of}`)),
      table('分街道 by street', [
        { zh: '街道', en: 'Street', rowHeader: true, cell: (r) => r.name || r.street },
        { zh: '片区', en: 'Zone', cell: (r) => label(ZONE, r.zone) },
        ...dashCols(),
        { zh: '发现问题', en: 'Problems', num: true, cell: (r) => fmtNum(r.problems?.found) },
        { zh: '已整改', en: 'Rectified', num: true, cell: (r) => fmtNum(r.problems?.rectified) },
        { zh: '整改率', en: 'Rectified %', num: true, cell: (r) => fmtRate(r.problems?.rate) },
      ], d.streets || []),
      downloads('/dashboard/streets', { as_of: asOf, sector }),
    ];
  });
}

// ---------------------------------------------------------------- registry import

function viewRegistry(view) {
  add(view, h('h1', null, bi('企业名录导入', 'Enterprise registry import')),
    h('p', { class: 'muted' }, bi('先检查（不写入），无错误后再确认导入。支持 CSV（UTF-8 或 GBK）和 XLSX，表头中英文均可。',
      'Check first (nothing is written); confirm once it is clean. CSV (UTF-8 or GBK) or XLSX; Chinese or English headers.')));
  const input = h('input', { id: 'reg-file', type: 'file', accept: '.csv,.xlsx', required: true });
  const box = h('div', { 'aria-live': 'polite' });
  const check = h('button', { type: 'submit' }, bi('检查', 'Check (dry run)'));
  const confirm = h('button', { type: 'button', disabled: true }, bi('确认导入', 'Confirm import'));
  let checked = null;
  input.addEventListener('change', () => { checked = null; confirm.disabled = true; box.replaceChildren(); });
  const send = async (dry) => {
    const file = input.files && input.files[0];
    if (!file) { box.replaceChildren(info('error', bi('请选择文件', 'Choose a file'))); input.focus(); return null; }
    const fd = new FormData();
    fd.append('file', file);
    try {
      return { file, r: await api('POST', '/registry/import', { form: fd, query: { dry_run: dry ? 'true' : 'false' } }) };
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.details.length) {
        box.replaceChildren(info('error', h('strong', null, msg(e.message))),
          table('错误行 bad rows', [
            { zh: '行', en: 'Row', num: true, cell: (d) => d.row ?? '—' }, { zh: '列', en: 'Column', cell: (d) => d.column || d.field || '—' },
            { zh: '问题', en: 'Problem', cell: (d) => msg(d.message) },
          ], e.details));
      } else box.replaceChildren(e instanceof ApiError ? errorBox(e) : info('error', String(e)));
      return null;
    }
  };
  const counts = (r) => `新增 ${fmtNum(r.created)} · 更新 ${fmtNum(r.updated)} · 不变 ${fmtNum(r.unchanged)} / created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}`;
  const form = h('form', { class: 'card' }, h('div', { class: 'field' }, h('label', { for: 'reg-file' }, bi('名录文件', 'Registry file')), input),
    h('div', { class: 'actions' }, check, confirm), box);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    busy(check, true); confirm.disabled = true;
    const res = await send(true);
    busy(check, false);
    if (res) {
      checked = res.file;
      confirm.disabled = false;
      box.replaceChildren(info('ok', h('strong', null, bi('检查通过（尚未写入）', 'Check passed (nothing written yet)')), h('p', null, counts(res.r))));
    }
  });
  confirm.addEventListener('click', async () => {
    if (!checked || checked !== input.files[0]) return;
    busy(confirm, true);
    const res = await send(false);
    if (res) { box.replaceChildren(info('ok', h('strong', null, bi('已导入', 'Imported')), h('p', null, counts(res.r)))); checked = null; }
    else busy(confirm, false);
    confirm.disabled = true;
  });
  view.append(form);
}

// ---------------------------------------------------------------- activation codes

function viewCodes(view) {
  add(view, h('h1', null, bi('企业激活码', 'Activation codes')),
    h('p', { class: 'muted' }, bi('为本街道尚未开通账号的企业生成一次性激活码（CSV）。每次生成都会发出新的激活码。',
      'Issue one-time codes (CSV) for the street\u2019s enterprises without an account. Each run issues fresh codes.')));
  const own = S.user.role === 'street_official';
  const sel = own ? null : streetSelect('c-street', { all: false });
  const box = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit' }, bi('生成并下载', 'Issue and download'));
  const form = h('form', { class: 'card' },
    own ? h('p', null, bi(`街道：${streetName(S.user.street)}`, 'Your street')) : h('div', { class: 'field' }, h('label', { for: 'c-street' }, bi('街道', 'Street')), sel),
    h('div', { class: 'actions' }, btn), box);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const street = own ? S.user.street : sel.value;
    busy(btn, true);
    await guard(box, async () => {
      const res = await api('POST', `/streets/${encodeURIComponent(street)}/activation-codes`, { raw: true });
      const { name, blob } = await saveBlob(res, `activation-codes-${street}.csv`);
      const rows = Math.max(0, (await blob.text()).trim().split(/\r?\n/).length - 1);
      box.replaceChildren(info('ok', bi(`已生成 ${rows} 个激活码，已下载 ${name}`, `${rows} code(s) issued; downloaded ${name}`)));
    });
    busy(btn, false);
  });
  view.append(form);
}

// ---------------------------------------------------------------- audit

async function viewAudit(view, _m, params) {
  const actor = params.get('actor') || '', action = params.get('action') || '', filing = params.get('filing_id') || '', page = Number(params.get('page') || 1);
  add(view, h('h1', null, bi('审计日志', 'Audit log')));
  const inp = (id, name, zh, en, value) => h('div', { class: 'field' }, h('label', { for: id }, bi(zh, en)), h('input', { id, name, type: 'search', value }));
  const form = h('form', { class: 'card inline', role: 'search', 'aria-label': '筛选 filters' },
    inp('a-actor', 'actor', '操作人', 'Actor', actor), inp('a-action', 'action', '动作', 'Action', action), inp('a-filing', 'filing_id', '备案编号', 'Filing id', filing),
    h('button', { type: 'submit' }, bi('筛选', 'Filter')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); const v = (n) => form.elements.namedItem(n).value.trim(); go(`#/audit${qs({ actor: v('actor'), action: v('action'), filing_id: v('filing_id') })}`); });
  view.append(form);
  const out = h('div');
  view.append(out);
  await section(out, async () => {
    const d = await api('GET', '/audit', { query: { actor, action, filing_id: filing, page, page_size: 50 } });
    return [table('审计日志 audit log', [
      { zh: '时间', en: 'At', cell: (e) => fmtTime(e.at) }, { zh: '操作人', en: 'Actor', cell: (e) => e.actor || '—' },
      { zh: '角色', en: 'Role', cell: (e) => (ROLE[e.role] ? ROLE[e.role][0] : e.role || '—') }, { zh: '动作', en: 'Action', cell: (e) => h('code', null, e.action) },
      { zh: '对象', en: 'Object', cell: (e) => e.object || '—' }, { zh: 'IP', en: '', cell: (e) => e.ip || '—' }, { zh: '详情', en: 'Details', cell: (e) => e.details || '' },
    ], d.items || []), pager(d, (p) => `#/audit${qs({ actor, action, filing_id: filing, page: p })}`)];
  });
}

// ---------------------------------------------------------------- department reports

async function viewReports(view) {
  add(view, h('h1', null, bi('部门报表', 'Department reports')),
    h('p', { class: 'muted' }, bi('报表直接取自企业已提交的备案，无需街道重复填报。', 'Built from the filings already in the system: nobody re-types them.')));
  const out = h('div');
  view.append(out);
  await section(out, async () => {
    const d = await api('GET', '/reports');
    return table('报表 reports', [
      { zh: '报表', en: 'Report', rowHeader: true, cell: (r) => h('a', { href: `#/reports/${encodeURIComponent(r.id)}` }, r.title) },
      { zh: '部门', en: 'Department', cell: (r) => r.department_name || r.department },
      { zh: '下载', en: 'Download', cell: (r) => ['json', 'csv', 'xlsx'].map((f) => [h('a', { href: dl_url(`/reports/${encodeURIComponent(r.id)}`, { format: f }), download: '' }, f.toUpperCase()), ' ']) },
    ], d.items || [], bi('没有可读的报表', 'No reports for you'));
  });
}
async function viewReport(view, [id]) {
  add(view, h('p', null, h('a', { href: '#/reports' }, '← ', bi('部门报表', 'Reports'))));
  const r = await api('GET', `/reports/${encodeURIComponent(id)}`);
  const rows = r.rows || [];
  const cols = (r.columns || []).map((c) => ({
    zh: c.title, en: '', num: c.type === 'int' || c.type === 'percent' || c.type === 'number',
    cell: (row) => { const v = row[c.key]; return v == null ? '—' : c.type === 'percent' ? fmtRate(v) : typeof v === 'number' ? fmtNum(v) : String(v); },
  }));
  const shown = rows.slice(0, 500);
  add(view, h('h1', null, r.title), h('p', { class: 'muted' }, `${r.department_name || r.department} · 生成于 / generated ${fmtTime(r.generated_at)} · ${rows.length} 行 / rows`),
    h('p', { class: 'actions' }, ['json', 'csv', 'xlsx'].map((f) => h('a', { class: 'button secondary', href: dl_url(`/reports/${encodeURIComponent(r.id)}`, { format: f }), download: '' }, f.toUpperCase()))),
    table(r.title, cols, shown),
    rows.length > shown.length ? h('p', { class: 'hint' }, bi(`仅显示前 ${shown.length} 行，完整数据请下载。`, `First ${shown.length} rows shown; download for all.`)) : null);
}

// ---------------------------------------------------------------- boot

async function boot() {
  try {
    const me = await api('GET', '/me');
    S.user = me.user; S.csrf = me.csrf_token;
    await loadStreets();
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) {
      flash('error', e instanceof ApiError ? msg(e.message) : String(e));
    }
    S.user = null;
  }
  await render();
}
boot();
