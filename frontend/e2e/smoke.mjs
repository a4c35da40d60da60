// Browser smoke test of the fugong UI: playwright-core driving Debian's
// Chromium against a server with the demo data (started by scripts/ui-test.sh).
//
//   FUGONG_UI_BASE   the server, e.g. http://127.0.0.1:18080 (required)
//   FUGONG_UI_SHOTS  where screenshots go (default: a new temp dir)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//
// Prints one line per check and closes with "ui: N passed, N failed";
// exits non-zero on any failure. Any console error (a CSP violation is one),
// an API answer >= 400 that the scenario did not expect, or an axe-core
// violation of impact serious/critical on any page checked fails the run.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = (process.env.FUGONG_UI_BASE || '').replace(/\/$/, '');
if (!BASE) { console.error('FUGONG_UI_BASE is not set'); process.exit(2); }
const SHOTS = process.env.FUGONG_UI_SHOTS || mkdtempSync(join(tmpdir(), 'fugong-ui-shots-'));
const PASSWORD = 'fugong-demo-2020';
const TIMEOUT = 15_000;

let passed = 0, failed = 0;
const shots = [];
const pageErrors = [];
const badResponses = [];
const axeFindings = [];
let axeChecked = 0;

// axe-core from frontend/node_modules (npm ci) or frontend/e2e/node_modules (ui-test.sh).
function axeSource() {
  for (const base of ['../node_modules/', './node_modules/']) {
    try { return readFileSync(createRequire(new URL(base, import.meta.url)).resolve('axe-core/axe.min.js'), 'utf8'); } catch { /* next */ }
  }
  throw new Error('axe-core is not installed');
}
const AXE = axeSource();
/** axe checks the page as it is now: violations of impact serious or critical are findings. */
async function axe(page, name) {
  await page.evaluate(AXE);
  const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((x) => x.impact === 'serious' || x.impact === 'critical')
    .map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  axeChecked++;
  for (const x of v) axeFindings.push(`${name}: ${x}`);
}
// API answers >= 400 a scenario provokes on purpose (method + path pattern + status).
const EXPECTED = [
  [/GET \/api\/v1\/me$/, 401], [/POST \/api\/v1\/auth\/login$/, 401], [/POST \/api\/v1\/filings$/, 422],
  [/POST \/api\/v1\/filings\/\d+\/attachments/, 422], [/POST \/api\/v1\/filings\/\d+\/resumption$/, 409],
  [/POST \/api\/v1\/filings\/\d+\/review$/, 409], [/POST \/api\/v1\/registry\/import/, 422],
  // daily reports: a day not filed yet is a 404 the page shows as 未报
  [/GET \/api\/v1\/daily\/reports\/\d{4}-\d{2}-\d{2}$/, 404], [/GET \/api\/v1\/daily\/enterprises\/\d+\/reports\/[\d-]+\/versions$/, 404],
];
let signedOut = false;
function watchResponse(r) {
  const u = new URL(r.url());
  if (r.status() < 400 || !u.pathname.startsWith('/api/')) return;
  if (signedOut && r.status() === 401) return;
  const key = `${r.request().method()} ${u.pathname}`;
  if (!EXPECTED.some(([re, st]) => re.test(key) && st === r.status())) badResponses.push(`${key} → ${r.status()}`);
}
/** confirm accepts the Element Plus confirmation dialog now open. */
async function confirm(page, name) {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  await box.getByRole('button', { name }).click();
  await box.waitFor({ state: 'hidden' });
}
/** noRawCodes fails when API codes (snake_case ids, zone codes) show in the page's main text. */
async function noRawCodes(page, what) {
  const text = await page.locator('main').innerText();
  const raw = text.match(/\b[a-z]+(?:_[a-z0-9]+)+\b|\b(?:south|west|east)\b/g);
  expect(!raw, `${what} shows raw codes: ${raw && [...new Set(raw)].slice(0, 5).join(', ')}`);
}
async function noSideScroll(page, what) {
  const [over, wide] = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '');
    const culprits = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(-4).map(name);
    return [document.documentElement.scrollWidth - w, culprits];
  });
  expect(over <= 1, `${what}: the page scrolls sideways by ${over}px (${wide.join(', ')})`);
}

function dateIn(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + days * 86400000));
}
// A valid GB 11643 ID number (checksum included) for roster row n.
function idNumber(n) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], C = '10X98765432';
  const body = `51010719900101${String(n).padStart(3, '0')}`;
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * W[i];
  return body + C[s % 11];
}
const goodRoster = ['姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史',
  ...[1, 2, 3, 4, 5].map((i) => `员工${i},${idNumber(i)},1380013800${i},生产部,36.${i},绿码,无`)].join('\n') + '\n';
const badRoster = 'name,id_number,phone,temperature,health_code\n张三,' + idNumber(9) + ',13800138000,36.5,green\n李四,123,13800138001,36.6,green\n';

const PLAN_FILE_TEXT = '六、复工后每日向街道报告员工健康情况，专人负责台账。\n';

/** apiCalls records the API requests the page makes while fn runs ("METHOD /path?query"). */
async function apiCalls(page, fn) {
  const calls = [];
  const on = (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) calls.push(`${r.method()} ${u.pathname}${u.search}`); };
  page.on('request', on);
  try { await fn(); } finally { page.off('request', on); }
  return calls;
}

function expect(cond, what) { if (!cond) throw new Error(what); }

async function shot(page, name) {
  const path = join(SHOTS, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
  return path;
}

async function step(page, name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e && e.message || e).split('\n')[0]}`);
    try { console.log(`     screenshot: ${await shot(page, `fail-${passed + failed}`)}`); } catch { /* page gone */ }
  }
}

async function login(page, username) {
  await page.goto(`${BASE}/#/login`);
  signedOut = false;
  await page.locator('#login-user').fill(username);
  await page.locator('#login-pass').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await page.locator('#who').getByText(username).waitFor();
}
async function logout(page) {
  signedOut = true; // requests still queued by the page now answer 401, as they should
  await page.getByRole('button', { name: /退出/ }).click();
  await page.locator('#login-user').waitFor();
}

const userDataDir = mkdtempSync(join(tmpdir(), 'fugong-ui-profile-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
  viewport: { width: 1280, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  acceptDownloads: true,
});
context.setDefaultTimeout(TIMEOUT);
const page = context.pages()[0] || await context.newPage();
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) pageErrors.push(m.text()); });
page.on('response', watchResponse);

let filingId = null;
try {
  // ------------------------------------------------------------ enterprise
  await step(page, 'login page renders', async () => {
    await page.goto(`${BASE}/`);
    await page.locator('#login-user').waitFor();
    expect(await page.locator('h1').first().textContent().then((t) => t.includes('复工备案')), 'title missing');
    await axe(page, 'login');
  });
  await step(page, 'bad password shows the 401 message', async () => {
    await page.locator('#login-user').fill('qiye');
    await page.locator('#login-pass').fill('wrong-password');
    await page.locator('#login-submit').click();
    await page.locator('.msg.error').waitFor();
  });
  await step(page, 'enterprise logs in and sees 我的备案', async () => {
    await login(page, 'qiye');
    await page.getByRole('heading', { name: /我的备案/ }).waitFor();
    await axe(page, 'my filings');
  });
  await step(page, 'create filing: 422 details appear next to the fields', async () => {
    await page.getByRole('link', { name: /新建备案/ }).click();
    await page.getByRole('heading', { name: /新建复工备案/ }).waitFor();
    await page.locator('#f-planned_resume_date').fill(dateIn(3));
    await page.locator('#f-staff_total').fill('50');
    await page.locator('#f-staff_onsite').fill('99');
    await page.locator('#f-contact-name').fill('张经理');
    await page.locator('#f-contact-phone').fill('123');
    await page.getByRole('button', { name: /保存草稿/ }).click();
    await page.locator('#f-contact-phone-err:not([hidden])').waitFor();
    await page.locator('#f-staff_onsite-err:not([hidden])').waitFor();
    expect(await page.locator('#f-contact-phone').getAttribute('aria-invalid') === 'true', 'phone not marked invalid');
  });
  await step(page, 'create filing: draft saved', async () => {
    await page.locator('#f-staff_onsite').fill('30');
    await page.locator('#f-supplies-masks').fill('100');
    await page.locator('#f-supplies-thermometers').fill('2');
    await page.locator('#f-supplies-disinfectant_liters').fill('2');
    await page.locator('#f-plan_text').fill('一、组织领导：成立防控领导小组，总经理任组长。\n二、人员排查：每日测温登记。\n三、消毒通风：每日两次消毒。\n四、应急处置：发现发热立即隔离并上报。\n五、物资保障：储备口罩、体温计、消毒液。');
    await page.locator('#f-contact-phone').fill('13800138000');
    await page.getByRole('button', { name: /保存草稿/ }).click();
    await page.waitForURL(/#\/filing\/\d+$/);
    filingId = Number(page.url().match(/#\/filing\/(\d+)$/)[1]);
    await page.getByText(/已保存草稿/).waitFor();
    await page.locator('.el-steps').waitFor();
    await axe(page, 'enterprise filing');
  });
  await step(page, 'roster with bad rows shows 第 N 行 列 X', async () => {
    await page.locator('#up-roster').setInputFiles({ name: 'roster-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(badRoster) });
    await page.locator('form[data-kind=roster] button[type=submit]').click();
    await page.getByText(/第 3 行 列 id_number/).waitFor();
  });
  await step(page, 'good roster uploads with its summary; unsaved edits survive the upload', async () => {
    await page.locator('#f-contact-name').fill('李经理');
    await page.locator('#up-roster').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(goodRoster) });
    await page.locator('form[data-kind=roster] button[type=submit]').click();
    await page.getByText(/已上传 roster\.csv/).waitFor();
    await page.locator('.summary-tiles').first().waitFor();
    expect(await page.locator('#f-contact-name').inputValue() === '李经理', 'the unsaved contact name was lost by the upload');
    // The upload's own summary shows before the attachment list is read
    // again: wait for the list to mark the file current.
    await page.locator('.current-tag').first().waitFor({ timeout: 10000 }).catch(() => {});
    expect(await page.locator('.current-tag').count() >= 1, 'the current file is not marked');
  });
  await step(page, 'drag-and-drop: a roster dropped on the box uploads with a progress bar, then its result', async () => {
    const box = page.locator('form[data-kind=roster]');
    const dropped = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'roster-dropped.csv', { type: 'text/csv' }));
      return d;
    }, goodRoster);
    await box.dispatchEvent('dragover', { dataTransfer: dropped });
    await page.locator('form[data-kind=roster].over').waitFor(); // the box shows where to drop
    await box.dispatchEvent('drop', { dataTransfer: dropped });
    await box.getByText(/已选择.roster-dropped\.csv/).waitFor();
    await page.locator('form[data-kind=roster]:not(.over)').waitFor();
    // Hold the upload at the server's door until the progress bar is seen (no timing involved).
    let release = () => {};
    const held = new Promise((r) => { release = r; });
    const pattern = /\/api\/v1\/filings\/\d+\/attachments/;
    await page.route(pattern, async (route) => { await held; await route.continue(); });
    try {
      await box.locator('button[type=submit]').click();
      await box.locator('.el-progress').waitFor();
      release();
      await box.getByText(/已上传 roster-dropped\.csv/).waitFor();
      await box.locator('.el-progress').waitFor({ state: 'detached' });
    } finally {
      release();
      await page.unroute(pattern);
    }
    await box.locator('.summary-tiles').first().waitFor();
    // the dropped file is now the current roster, the one before it superseded
    await page.locator('li.tile:not(.superseded)', { has: page.locator('a.filename', { hasText: /^roster-dropped\.csv$/ }) }).locator('.current-tag').waitFor();
    await page.locator('li.tile.superseded', { has: page.locator('a.filename', { hasText: /^roster\.csv$/ }) }).first().waitFor();
    expect(await page.locator('#f-contact-name').inputValue() === '李经理', 'the unsaved contact name was lost by the drop upload');
    await dropped.dispose();
  });
  await step(page, 'submit with too few masks is blocked and shows red flags', async () => {
    await page.getByRole('button', { name: /提交审核/ }).click();
    await page.locator('#submit-result').waitFor();
    await page.getByText(/未能提交/).waitFor();
    expect(await page.locator('#flags .flag.sev-block').count() > 0, 'no block flag shown');
    expect(await page.getByText('有未保存的修改').count() === 0, 'the edits submit saved still show as unsaved');
    await shot(page, 'enterprise-blocked-submit');
  });
  await step(page, 'fix supplies, submit, filing goes to review', async () => {
    await page.locator('#f-staff_total').fill('5');
    await page.locator('#f-staff_onsite').fill('5');
    await page.locator('#f-supplies-masks').fill('1000');
    await page.locator('#f-supplies-disinfectant_liters').fill('20');
    await page.locator('#f-supplies-isolation_room').check();
    await page.getByRole('button', { name: /保存修改/ }).click();
    await page.getByText(/^已保存/).first().waitFor();
    // a plan file too: the reviewer must see the text read from it
    await page.locator('#up-plan').setInputFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from(PLAN_FILE_TEXT) });
    await page.locator('form[data-kind=plan] button[type=submit]').click();
    await page.getByText(/已上传 plan\.txt/).waitFor();
    await page.getByRole('button', { name: /提交审核/ }).click();
    await page.locator('#submit-result').waitFor();
    const text = await page.locator('#submit-result').textContent();
    expect(/已提交/.test(text), `not submitted: ${text.slice(0, 300)}`);
    await page.locator('h1 .badge.st-submitted').waitFor();
  });
  await step(page, 'resumption before approval answers the 409 message', async () => {
    await page.getByRole('button', { name: /记录复工日期/ }).click();
    await confirm(page, /仍要记录/); // the dialog warns that this is recorded as a problem
    await page.getByText(/未经备案审核通过即复工/).waitFor();
  });
  await step(page, 'problems and notifications pages load', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /通知/ }).click();
    await page.getByRole('heading', { name: /通知/ }).waitFor();
    await page.locator('nav.main-nav').getByRole('link', { name: /整改问题/ }).click();
    await page.getByRole('heading', { name: /整改问题/ }).waitFor();
    await page.locator('main table, main .muted').first().waitFor();
  });
  // ------------------------------------------------------------ enterprise: daily report
  await step(page, 'daily report: copy yesterday, the fever handling asked for, a rule warning shown', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /每日报告/ }).click();
    await page.getByRole('heading', { name: /每日报告/ }).waitFor();
    await page.locator('#d-staff_onsite').waitFor();
    await page.locator('#missed-days').getByRole('link', { name: /补报/ }).first().waitFor(); // the demo account missed a day
    await page.locator('#copy-yesterday').click();
    await page.locator('#copy-msg').getByText(/已复制/).waitFor();
    expect(await page.locator('#d-staff_onsite').inputValue() !== '', 'staff on site not copied from yesterday');
    expect(await page.locator('#d-fever').inputValue() === '', 'fever was copied (it never carries over)');
    for (const k of ['returned_today', 'returned_outside_province', 'returned_hubei']) await page.locator(`#d-${k}`).fill('0');
    await page.locator('#d-fever').fill('1');
    await page.locator('#d-masks').fill('1'); // almost out of masks: a rule warns
    await page.locator('input[name="disinfected"][value="yes"]').check();
    await page.locator('#daily-send').click();
    await page.locator('#d-fever_handling-err:not([hidden])').waitFor(); // required because fever > 0
    expect(await page.locator('#d-fever_handling').getAttribute('aria-invalid') === 'true', 'handling not marked invalid');
    await page.locator('#d-fever_handling').selectOption('fever_clinic');
    await page.locator('#daily-send').click();
    await page.getByText(/已报送 \d{4}-\d{2}-\d{2} 的报告/).waitFor();
    await page.locator('#daily-flags .flag.sev-warn').first().waitFor();
    await page.locator('#daily-flags').getByText(/口罩库存/).first().waitFor();
    await shot(page, 'enterprise-daily-report');
    await axe(page, 'daily report');
    await noRawCodes(page, 'daily report');
  });
  await step(page, 'daily report: a correction is a new version kept in the history', async () => {
    await page.locator('#d-masks').fill('5000');
    await page.locator('#d-note').fill('口罩库存填错');
    await page.locator('#daily-send').click();
    await page.getByText(/（第 2 版）/).first().waitFor();
    await page.locator('#daily-versions tbody tr').nth(1).waitFor();
    expect(await page.locator('#daily-versions tbody tr').count() === 2, 'two versions expected');
    await page.locator('#daily-versions').getByText(/口罩库存 1 → 5000/).waitFor();
    await page.locator('#daily-versions').getByText('口罩库存填错').waitFor();
  });
  await step(page, 'daily report: a missed day is filed late', async () => {
    await page.locator('#missed-days').getByRole('link', { name: /补报/ }).first().click();
    await page.waitForURL(/#\/daily\?date=\d{4}-\d{2}-\d{2}/);
    await page.getByText(/已过报送截止时间/).waitFor();
    await page.locator('#copy-yesterday').click();
    await page.locator('#copy-msg').getByText(/已复制/).waitFor();
    for (const k of ['returned_today', 'returned_outside_province', 'returned_hubei', 'fever']) await page.locator(`#d-${k}`).fill('0');
    await page.locator('input[name="disinfected"][value="yes"]').check();
    await page.locator('#daily-send').click();
    await page.getByText(/（迟报）/).first().waitFor();
    await page.locator('#d-state + dl .badge.st-returned').waitFor();
  });
  await step(page, 'daily report at 360 px never scrolls sideways', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${BASE}/#/daily`);
    await page.locator('#d-staff_onsite').waitFor();
    await noSideScroll(page, 'daily report');
    await shot(page, 'enterprise-daily-360px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  await step(page, 'enterprise logs out', async () => logout(page));

  // ------------------------------------------------------------ street official
  await step(page, 'street official sees the filing in the review queue', async () => {
    await login(page, 'street-fangcaojie');
    await page.getByRole('heading', { name: /审核队列/ }).waitFor();
    await page.locator('main table').waitFor();
    await shot(page, 'street-queue');
    expect(filingId, 'no filing was created');
    await axe(page, 'review queue');
  });
  await step(page, 'queue search finds the filing by part of its name, then by its credit code', async () => {
    const ent = await page.evaluate(async (id) => {
      const f = await (await fetch(`/api/v1/filings/${id}`)).json();
      return (await fetch(`/api/v1/enterprises/${f.enterprise_id}`)).json();
    }, filingId);
    let calls = await apiCalls(page, async () => {
      await page.locator('#q-search').fill(ent.name.slice(1, 5));
      await page.getByRole('button', { name: /^查询$/ }).click();
      await page.locator(`main a[href="#/filing/${filingId}"]`).waitFor();
    });
    // one page from the server, searched there; no filing read per row for its flags
    const queueCalls = calls.filter((c) => c.startsWith('GET /api/v1/review/queue'));
    expect(queueCalls.length === 1 && queueCalls[0].includes('q=') && /page_size=20\b/.test(queueCalls[0]), `queue requests: ${queueCalls.join(' | ')}`);
    expect(!calls.some((c) => /^GET \/api\/v1\/(filings\/\d+|enterprises)\b/.test(c)), `the queue read filings or the registry per row: ${calls.join(' | ')}`);
    await page.locator('#q-search').fill(ent.credit_code);
    await page.getByRole('button', { name: /^查询$/ }).click();
    await page.waitForURL(new RegExp(`q=${ent.credit_code}`));
    await page.locator(`main a[href="#/filing/${filingId}"]`).waitFor();
    expect(await page.locator('main tbody tr').count() === 1, 'the credit code matched more than one filing');
    expect(/共 1 件待审核/.test(await page.locator('main [role=status]').first().innerText()), 'the total is not the server\'s');
    const flagsCell = await page.locator('main tbody tr td[data-label="规则标记"]').innerText();
    expect(/警告 \d+|阻断 \d+|无/.test(flagsCell), `flag counts missing: ${flagsCell}`);
    calls = await apiCalls(page, async () => {
      await page.getByRole('button', { name: /规则标记/ }).click(); // sort on the server
      await page.waitForURL(/sort=flags/);
      await page.locator(`main a[href="#/filing/${filingId}"]`).waitFor();
    });
    expect(calls.some((c) => /review\/queue\?.*sort=flags/.test(c) && c.includes('q=')), `sorting did not ask the server: ${calls.join(' | ')}`);
    await shot(page, 'street-queue-search');
  });
  await step(page, 'filing detail shows flags, files and the review form', async () => {
    await page.locator(`main a[href="#/filing/${filingId}"]`).click();
    await page.getByRole('heading', { name: /审核/ }).first().waitFor();
    await page.getByRole('heading', { name: /规则审查结果/ }).waitFor();
    await page.getByRole('heading', { name: /雷同方案/ }).waitFor();
    // A blocked submit is not a revision (the ledger counts what a person
    // raised): the one that went through is revision 1, with nothing to compare.
    await page.getByText(/只有一个修订版本/).waitFor();
    await page.locator('main a[href^="/api/v1/attachments/"]').first().waitFor();
    await page.locator('#review-submit').waitFor();
    await page.getByRole('button', { name: /下一件/ }).waitFor();
    const fileText = await page.locator('main pre[data-plan=file]').innerText();
    // as the rules read it: normalized (full-width punctuation folded), so compare a run of words
    expect(fileText.includes('复工后每日向街道报告员工健康情况'), `the plan file's text is not shown: ${fileText.slice(0, 80)}`);
    await shot(page, 'street-filing-detail');
    await axe(page, 'reviewer workspace');
    await page.locator('main td', { hasText: /^#\d+$/ }).first().waitFor(); // the problems have loaded
    await noRawCodes(page, 'reviewer workspace');
  });
  await step(page, 'a decision after someone else decided shows the 409', async () => {
    // someone else approves first (same account, another tab's request)
    const status = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/v1/me')).json();
      const r = await fetch(`/api/v1/filings/${id}/review`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify({ decision: 'approve', comment: '方案齐全，准予复工' }) });
      return r.status;
    }, filingId);
    expect(status === 200, `background approve answered ${status}`);
    await page.getByLabel(/退回整改/).check();
    await page.locator('#review-comment').fill('请补充方案');
    await page.locator('#review-submit').click();
    await page.getByText(/已由他人处理/).waitFor();
  });
  await step(page, 'record an inspection finding, issue a notice and open it', async () => {
    await page.reload();
    await page.getByRole('heading', { name: /问题与整改/ }).waitFor();
    const ins = page.locator('form:has(h3:has-text("现场检查发现"))');
    await ins.getByLabel('问题', { exact: true }).fill('消毒记录不全');
    await ins.locator('textarea').fill('门卫处未见当日消毒登记');
    await ins.getByRole('button', { name: /记录检查发现/ }).click();
    await page.getByText(/已记录问题 #\d+/).waitFor();
    await page.locator('main td', { hasText: '消毒记录不全' }).waitFor();
    const notice = page.locator('form:has(h3:has-text("整改意见函"))');
    await notice.getByRole('button', { name: /发出整改意见函/ }).click();
    await confirm(page, /^发出$/);
    const link = notice.getByRole('link', { name: /打开意见函/ });
    await link.waitFor();
    expect(await notice.getByRole('button', { name: /发出整改意见函/ }).count() === 0, 'the notice form can be sent twice');
    await link.click();
    await page.locator('article.letter').waitFor();
    await page.locator('article.letter td', { hasText: '消毒记录不全' }).waitFor();
    expect(/\S/.test(await page.locator('[data-notice-number]').innerText()), 'the letter has no number');
    await axe(page, 'notice');
    const href = await page.getByRole('link', { name: /下载/ }).getAttribute('href');
    const r = await page.evaluate(async (u) => { const x = await fetch(u); return [x.status, (x.headers.get('content-type') || '')]; }, href);
    expect(r[0] === 200 && /html/.test(r[1]), `notice document answered ${r}`);
    // printed: the letter alone, on A4, no app chrome or buttons
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => getComputedStyle(e).display !== 'none');
      return { chrome: shown('header.top') || shown('nav') || shown('.foot') || shown('.letter-actions'), letter: shown('article.letter'),
        border: getComputedStyle(document.querySelector('article.letter')).borderTopStyle };
    });
    await shot(page, 'notice-print');
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    await page.emulateMedia({ media: 'screen' });
    expect(!printed.chrome && printed.letter && printed.border === 'none', `print view: ${JSON.stringify(printed)}`);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    expect(pages === 1, `the letter prints on ${pages} A4 pages, want 1`);
    await page.goBack();
  });
  await step(page, 'problem ledger loads for the street', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /问题台账/ }).click();
    await page.getByRole('heading', { name: /问题台账/ }).waitFor();
    await page.locator('main table').first().waitFor();
    await axe(page, 'problem ledger');
    await noRawCodes(page, 'problem ledger');
  });
  await step(page, 'issuing activation codes asks first, says old codes stay valid (cancel issues nothing); voiding asks apart', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /激活码/ }).click();
    await page.getByRole('heading', { name: /发放记录/ }).waitFor();
    await page.getByRole('button', { name: /生成并下载/ }).click();
    await page.locator('.el-message-box').getByText(/继续有效/).first().waitFor();
    await page.locator('.el-message-box').getByRole('button', { name: /取消/ }).click();
    await page.locator('.el-message-box').waitFor({ state: 'hidden' });
    expect(await page.getByText(/已生成/).count() === 0, 'codes were issued without confirmation');
    await axe(page, 'activation codes');
  });
  await step(page, 'street: today\'s missing list, one-click reminder, the per-day chart and yesterday\'s warnings', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /每日报送/ }).click();
    await page.getByRole('heading', { level: 1, name: /每日报送/ }).waitFor();
    await page.locator('#missing-list tbody tr').first().waitFor();
    await page.locator('main .chart canvas').first().waitFor(); // the per-day chart
    const row = page.locator('#missing-list tbody tr').first();
    const name = (await row.locator('th').innerText()).trim();
    await row.getByRole('button', { name: /^提醒/ }).click();
    await page.getByText(new RegExp(`已提醒 ${name.replace(/[()（）]/g, '.')}`)).waitFor();
    await row.getByRole('button', { name: /已提醒/ }).waitFor();
    expect(await row.getByRole('button', { name: /已提醒/ }).isDisabled(), 'the reminder can be sent twice');
    // The warnings of yesterday: today's reports are only in after 10:00
    // Asia/Shanghai, and before then today has none (the test runs at any hour).
    await page.locator('#ds-date').fill(dateIn(-1));
    await page.getByRole('button', { name: /^查询$/ }).click();
    await page.waitForURL(new RegExp(`date=${dateIn(-1)}`));
    await page.locator('#daily-warnings tbody tr').first().waitFor();
    const warn = page.locator('#daily-warnings tbody tr', { hasText: /口罩库存/ }).first();
    await warn.getByRole('button', { name: /确认/ }).click();
    await confirm(page, /^确认$/);
    await warn.getByRole('link', { name: /问题 #\d+/ }).waitFor();
    await shot(page, 'street-daily');
    await axe(page, 'street daily');
    await noRawCodes(page, 'street daily');
  });
  await step(page, 'street official logs out', async () => logout(page));

  // ------------------------------------------------------------ inspector
  let letterNumber = '';
  await step(page, 'inspector (督查组) lands on the dashboard, reads the ledger and writes a letter to a department', async () => {
    await login(page, 'inspector-7');
    await page.getByRole('heading', { name: /分行业/ }).waitFor();
    await page.locator('nav.main-nav').getByRole('link', { name: /问题台账/ }).click();
    await page.getByRole('heading', { name: /问题台账/ }).waitFor();
    await page.locator('main table').first().waitFor();
    // Overdue problems per street (the demo has some), a count opening the ledger filtered to them.
    await page.getByRole('heading', { name: /超期未整改/ }).waitFor();
    await page.locator('main a[href*="overdue=true"]').first().click();
    await page.waitForURL(/overdue=true/);
    await page.getByText('已超期').first().waitFor();
    expect(await page.locator('#p-street').inputValue() !== '', 'the overdue count did not filter the street');
    // Waiving asks first; cancelled, nothing changes.
    const open = page.locator('main tr').filter({ has: page.getByRole('button', { name: /^豁免$/ }) }).first();
    await open.getByRole('button', { name: /^豁免$/ }).click();
    await open.getByLabel(/豁免理由/).fill('测试：取消');
    await open.getByRole('button', { name: /确认豁免/ }).click();
    await page.locator('.el-message-box').getByText(/不能撤销/).waitFor();
    await page.locator('.el-message-box').getByRole('button', { name: /取消/ }).click();
    await page.locator('.el-message-box').waitFor({ state: 'hidden' });
    expect(await page.getByText(/问题 #\d+ 已豁免/).count() === 0, 'waived without confirmation');
    await page.locator('nav.main-nav').getByRole('link', { name: /问题台账/ }).click();
    await page.locator('main table').first().waitFor();
    await axe(page, 'inspector ledger');
    // The finding through the form (a department, with severity and the deadline an inspector must set) ...
    const ins = page.locator('form:has(h3:has-text("现场检查发现"))');
    await ins.getByLabel('部门', { exact: true }).check();
    await ins.getByLabel(/部门代码/).fill('jingji');
    await ins.getByLabel('问题', { exact: true }).fill('要求基层重复报送统计表');
    await ins.getByLabel(/说明/).fill('同一数据要求街道每日报送三次');
    await ins.getByLabel(/严重程度/).selectOption('high');
    await ins.getByLabel(/发现时间/).fill(`${dateIn(0)}T09:30`);
    expect(await ins.getByLabel(/整改期限/).inputValue() !== '', 'no default deadline for the inspector');
    await ins.getByRole('button', { name: /记录检查发现/ }).click();
    await page.getByText(/已记录问题 #\d+/).waitFor();
    await axe(page, 'inspector finding');
    // ... the letter (confirmed first; a second click gives back the same letter) ...
    const lf = page.locator('form:has(h3:has-text("整改意见函"))');
    await lf.getByLabel('部门', { exact: true }).check();
    await lf.getByLabel(/部门代码/).fill('jingji');
    await lf.getByRole('button', { name: /发出整改意见函/ }).click();
    await confirm(page, /^发出$/);
    const issued = await lf.getByText(/已发出意见函 ZG\d{4}-\d{6}/).innerText();
    letterNumber = issued.match(/ZG\d{4}-\d{6}/)[0];
    await lf.getByRole('button', { name: /发出整改意见函/ }).click();
    await confirm(page, /^发出$/);
    await lf.getByText(`这些问题已在意见函 ${letterNumber} 中`).waitFor();
    // ... and the bulletin of the period, with its spreadsheet.
    const bf = page.locator('form:has(h3:has-text("督查通报"))');
    await bf.getByRole('button', { name: /生成通报/ }).click();
    await bf.getByText(/通报 TB\d{4}-\d{6}/).waitFor();
    const xlsx = await bf.getByRole('link', { name: /下载 XLSX/ }).getAttribute('href');
    const got = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')]; }, xlsx);
    expect(got[0] === 200 && /spreadsheetml/.test(got[1] || ''), `bulletin XLSX: ${got}`);
    await shot(page, 'inspector-letter-bulletin');
    await axe(page, 'letter and bulletin');
    await logout(page);
  });

  // ------------------------------------------------------------ department
  await step(page, 'department opens its letter from 通知 and from 整改意见函, and may answer', async () => {
    await login(page, 'dept-jingji');
    await page.locator('nav.main-nav').getByRole('link', { name: /通知/ }).click();
    await page.getByRole('link', { name: /查看整改意见函/ }).first().click();
    await page.getByText(letterNumber).first().waitFor();
    await page.getByText('要求基层重复报送统计表').first().waitFor();
    await axe(page, 'department letter');
    await page.locator('nav.main-nav').getByRole('link', { name: /整改意见函/ }).click();
    await page.getByRole('heading', { level: 1, name: /整改意见函/ }).waitFor();
    await page.locator('main .letters a[href*="#/notice/"]').first().waitFor();
    expect(await page.getByRole('button', { name: /记录检查发现/ }).count() === 0, 'a department is offered to record findings');
    await shot(page, 'department-letters');
    await axe(page, 'department letters');
    await noRawCodes(page, 'department letters');
    const row = page.locator('main tr, main .card-row').filter({ hasText: '要求基层重复报送统计表' }).first();
    await row.getByRole('button', { name: /答复整改/ }).click();
    await row.getByLabel(/整改说明/).fill('已取消重复报表，统一由统计平台报送');
    await row.getByRole('button', { name: /提交答复/ }).click();
    await page.getByText(/等待核验/).first().waitFor();
    await logout(page);
  });
  await step(page, 'inspector reads the answer beside the verify buttons and accepts it', async () => {
    await login(page, 'inspector-7');
    await page.goto(`${BASE}/#/problems?status=answered`);
    await page.getByRole('heading', { name: /问题台账/ }).waitFor();
    const row = page.locator('main tr, main .card-row').filter({ hasText: '要求基层重复报送统计表' }).first();
    await row.getByRole('button', { name: /核验答复/ }).click();
    await row.getByText('已取消重复报表，统一由统计平台报送').waitFor();
    await axe(page, 'verify with the answer');
    await row.getByRole('button', { name: /确认已整改/ }).click();
    await page.getByText(/已确认整改/).first().waitFor();
    await logout(page);
  });
  await step(page, 'department sees its reports and opens one', async () => {
    await login(page, 'dept-jingji');
    await page.getByRole('heading', { name: /部门报表/ }).waitFor();
    await page.locator('main table a').first().click();
    await page.locator('main a[href*="format=xlsx"]').first().waitFor();
    await page.locator('main table tbody tr').first().waitFor();
    await axe(page, 'department report');
  });
  await step(page, 'department: a grouped view draws its bar chart (ECharts canvas), a detail view none', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /部门报表/ }).click();
    await page.getByRole('link', { name: '工业企业复工备案情况（分街道）', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '工业企业复工备案情况（分街道）' }).waitFor();
    await page.locator('main table tbody tr').first().waitFor();
    const chart = page.locator('main .chart[role=img]');
    await chart.locator('canvas').first().waitFor();
    expect(/柱状图/.test(await chart.getAttribute('aria-label') || ''), 'the chart has no text alternative');
    // drawn, not an empty canvas: some pixels are painted
    const painted = () => {
      const c = document.querySelector('main .chart canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return c.width > 100 && c.height > 100 && n > 1000 ? n : 0;
    };
    await page.waitForFunction(painted, null, { polling: 'raf' }).catch(async () => {
      throw new Error(`the chart canvas stays blank (${await page.evaluate(painted)} painted pixels)`);
    });
    await shot(page, 'department-grouped-chart');
    await axe(page, 'department grouped report');
    await page.locator('nav.main-nav').getByRole('link', { name: /部门报表/ }).click();
    await page.getByRole('link', { name: '规上工业企业复工明细', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '规上工业企业复工明细' }).waitFor();
    await page.locator('main table').first().waitFor();
    expect(await page.locator('main .chart').count() === 0, 'a detail (ungrouped) view draws a chart');
  });
  await step(page, 'department daily view: pick yesterday, the table in its columns, XLSX of that day', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /部门报表/ }).click();
    const daily = page.locator('main tbody tr', { hasText: '每日报告（按日）' }).first();
    await daily.locator('a').first().click();
    await page.locator('#r-date').waitFor();
    await page.locator('#r-date').fill(dateIn(-1));
    await page.getByRole('button', { name: /^查询$/ }).click();
    await page.waitForURL(new RegExp(`date=${dateIn(-1)}`));
    await page.getByText(`${dateIn(-1)} 日报`).waitFor();
    await page.locator('main table tbody tr').first().waitFor();
    const heads = (await page.locator('main table thead th').allInnerTexts()).map((h) => h.replace(/[↕▲▼\s]/g, ''));
    expect(heads[0] === '街道' && heads.length >= 4, `columns not in the department's order: ${heads.join(' | ')}`);
    const href = await page.locator('main a[href*="format=xlsx"]').first().getAttribute('href');
    expect(href.includes(`date=${dateIn(-1)}`), `XLSX link without the day: ${href}`);
    const r = await page.evaluate(async (u) => { const x = await fetch(u); return [x.status, x.headers.get('content-disposition') || '']; }, href);
    expect(r[0] === 200 && /attachment/.test(r[1]), `daily XLSX answered ${r}`);
    await shot(page, 'department-daily-view');
    await axe(page, 'department daily view');
  });
  await step(page, 'department logs out', async () => logout(page));

  // ------------------------------------------------------------ park manager
  await step(page, 'park manager sees the sector dashboard with 85.59', async () => {
    await login(page, 'park');
    await page.getByRole('heading', { name: /分行业/ }).waitFor();
    await page.locator('main table').waitFor();
    await page.getByRole('button', { name: /报道日/ }).click();
    await page.waitForURL(/as_of=2020-02-28/);
    await page.getByRole('row', { name: /规上工业企业/ }).getByText('85.59%').first().waitFor();
    await page.getByText('94.38%').waitFor();
    await page.getByText('按期整改率').waitFor(); // beside the rectification rate
    expect(/%$/.test((await page.locator('[data-tile=on-time] .n').innerText()).trim()), 'no on-time rectification rate');
    expect(await page.locator('main a[href*="format=xlsx"]').count() > 0, 'no XLSX link');
    await page.locator('main .chart canvas').nth(1).waitFor(); // the bar chart and the trend's line chart
    expect(await page.locator('main .chart canvas').count() >= 2, 'the bar and line charts are not both drawn');
    await shot(page, 'park-dashboard');
    await axe(page, 'sector dashboard');
  });
  await step(page, 'CSV download link answers a file', async () => {
    const href = await page.locator('main a[href*="format=csv"]').first().getAttribute('href');
    const r = await page.evaluate(async (u) => { const x = await fetch(u); return [x.status, x.headers.get('content-disposition') || '']; }, href);
    expect(r[0] === 200 && /attachment/.test(r[1]), `csv answered ${r}`);
  });
  await step(page, 'three clicks: 芳草街街道 → 服务业 not filed → the list, with export', async () => {
    const street = await page.locator('#d-street option', { hasText: '芳草街街道' }).getAttribute('value');
    await page.locator('#d-street').selectOption(street);
    await page.getByRole('button', { name: /^查询$/ }).click();
    await page.waitForURL(/street=/);
    await page.getByRole('row', { name: /服务业/ }).locator('td[data-label="未备案"] a').click();
    await page.waitForURL(/dashboard\/enterprises\?.*state=not_filed/);
    await page.getByRole('heading', { name: /企业名单/ }).waitFor();
    await page.locator('main table tbody tr').first().waitFor();
    const xlsx = await page.locator('main a[href*="format=xlsx"]').first().getAttribute('href');
    expect(/street=/.test(xlsx) && /state=not_filed/.test(xlsx), `the export is not the list on screen: ${xlsx}`);
    const got = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')]; }, xlsx);
    expect(got[0] === 200 && /spreadsheetml/.test(got[1] || ''), `drill-down XLSX: ${got}`);
    await shot(page, 'park-drilldown');
    await axe(page, 'drill-down');
  });
  await step(page, 'per-street ranking sorts and totals; reports and audit log load', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /分街道/ }).click();
    await page.getByRole('row', { name: /合计/ }).waitFor(); // the ranking, not the drill-down list left behind
    await page.getByRole('row', { name: /芳草街街道/ }).first().waitFor();
    await page.getByRole('button', { name: /发现问题/ }).click();
    await page.locator('th[aria-sort="ascending"]').waitFor();
    await axe(page, 'street ranking');
    await noRawCodes(page, 'street ranking');
    await page.locator('nav.main-nav').getByRole('link', { name: /部门报表/ }).click();
    await page.locator('main table a').first().click();
    await page.locator('main table').waitFor();
    await page.locator('nav.main-nav').getByRole('link', { name: /审计日志/ }).click();
    await page.getByRole('cell', { name: '登录', exact: true }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'login', exact: true }).count() === 0, 'raw audit action codes on screen');
    await axe(page, 'audit log');
  });
  await step(page, 'park: daily reporting by street and sector, the per-day chart and 报表精简 35 → 8', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /每日报送/ }).click();
    await page.getByRole('heading', { level: 1, name: /每日报送情况/ }).waitFor();
    await page.getByRole('row', { name: /芳草街街道/ }).first().waitFor();
    expect(await page.locator('main table[aria-label="分街道每日报送"] tbody tr').count() === 16, 'not 16 streets');
    await page.getByRole('row', { name: /服务业/ }).first().waitFor();
    await page.locator('#forms-cut').getByText('77.14%').waitFor();
    expect(/35[\s\S]*8/.test(await page.locator('#forms-cut .summary-tiles').innerText()), '报表精简 is not 35 → 8');
    await page.locator('main .chart canvas').first().waitFor(); // the per-day chart
    await shot(page, 'park-daily');
    await axe(page, 'park daily');
    await noRawCodes(page, 'park daily');
  });
  await step(page, 'park: the queue\'s street filter shows only that street, asked of the server once with street=', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /审核队列/ }).click();
    await page.getByRole('heading', { name: /审核队列/ }).waitFor();
    await page.locator('main tbody tr').first().waitFor();
    const allTotal = Number((await page.locator('main [role=status]').first().innerText()).replace(/[^\d]/g, ''));
    const name = (await page.locator('main tbody tr td[data-label="街道"]').first().innerText()).trim();
    const option = page.locator('#q-street option').filter({ hasText: new RegExp(`^${name}$`) });
    expect(await option.count() === 1, `the street menu has no single entry for ${name}`);
    const code = await option.getAttribute('value');
    let total = -1;
    const calls = await apiCalls(page, async () => {
      await page.locator('#q-street').selectOption(code);
      const answer = page.waitForResponse((r) => /\/api\/v1\/review\/queue\?/.test(r.url()) && r.url().includes(`street=${code}`));
      await page.getByRole('button', { name: /^查询$/ }).click();
      total = (await (await answer).json()).total;
      await page.waitForURL(new RegExp(`street=${code}`));
      await page.getByText(`共 ${total.toLocaleString('zh-CN')} 件待审核`).waitFor();
    });
    const queueCalls = calls.filter((c) => c.startsWith('GET /api/v1/review/queue'));
    expect(queueCalls.length === 1 && queueCalls[0].includes(`street=${code}`), `queue requests: ${queueCalls.join(' | ')}`);
    expect(total > 0 && total < allTotal, `the filter did not narrow the queue: ${total} of ${allTotal}`);
    const streets = await page.locator('main tbody tr td[data-label="街道"]').allInnerTexts();
    expect(streets.length === Math.min(total, 20), `${streets.length} rows for a total of ${total}`);
    const others = streets.map((x) => x.trim()).filter((x) => x !== name);
    expect(others.length === 0, `rows of other streets shown: ${[...new Set(others)].join(', ')}`);
    expect(await page.locator('#q-street').inputValue() === code, 'the street menu forgot the choice');
    await shot(page, 'park-queue-street');
    await axe(page, 'park queue by street');
  });
  await step(page, 'registry dry run lists every bad row', async () => {
    await page.locator('nav.main-nav').getByRole('link', { name: /企业名录导入/ }).click();
    const csv = 'credit_code,name,sector,zone,street\nBAD,甲公司,industrial,south,fangcaojie\nALSOBAD,乙公司,farming,south,fangcaojie\n';
    await page.locator('#reg-file').setInputFiles({ name: 'registry.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: /检查/ }).click();
    await page.locator('main table[aria-label="错误行"]').waitFor();
    expect(await page.locator('main table[aria-label="错误行"] tbody tr').count() >= 2, 'fewer than 2 bad rows shown');
    expect(await page.getByRole('button', { name: /确认导入/ }).isDisabled(), 'confirm enabled after a failed check');
    await axe(page, 'registry import');
  });
  await step(page, 'English on request, then back to 中文', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Sectors' }).waitFor();
    await page.getByRole('link', { name: 'Sectors' }).click();
    await page.getByRole('heading', { name: /Filing rates by sector/ }).waitFor();
    await page.getByRole('row', { name: /Above-scale industrial/ }).waitFor();
    await shot(page, 'park-dashboard-english');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: /分行业复工备案/ }).waitFor();
  });
  for (const width of [390, 360]) {
    await step(page, `phone at ${width} px: dashboard, ranking and queue never scroll sideways; rates visible`, async () => {
      await page.setViewportSize({ width, height: 800 });
      await page.locator('nav.main-nav').getByRole('link', { name: /分行业看板/ }).click();
      await page.getByRole('heading', { name: /分行业复工备案/ }).waitFor();
      await page.getByRole('row', { name: /规上工业企业/ }).waitFor();
      await noSideScroll(page, 'dashboard');
      const rate = page.getByRole('row', { name: /规上工业企业/ }).locator('td[data-label="备案批准率"]');
      const box = await rate.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width + 1, `the rate cell is off-screen at ${width}px`);
      await shot(page, `park-dashboard-${width}px`);
      await page.locator('nav.main-nav').getByRole('link', { name: /分街道/ }).click();
      await page.getByRole('row', { name: /芳草街街道/ }).waitFor();
      await noSideScroll(page, 'street ranking');
      await page.locator('nav.main-nav').getByRole('link', { name: /审核队列/ }).click();
      await page.getByRole('heading', { name: /审核队列/ }).waitFor();
      await page.getByText(/共 .+ 件待审核/).waitFor();
      await noSideScroll(page, 'queue');
      await shot(page, `park-queue-${width}px`);
      await page.locator('nav.main-nav').getByRole('link', { name: /每日报送/ }).click();
      await page.getByRole('row', { name: /芳草街街道/ }).first().waitFor();
      await noSideScroll(page, 'daily overview');
    });
  }
  await step(page, 'park manager logs out', async () => { await page.setViewportSize({ width: 1280, height: 900 }); await logout(page); });

  // ------------------------------------------------------------ enterprise again: the decision reached it
  await step(page, 'enterprise sees the unread badge and marks all notifications read', async () => {
    await login(page, 'qiye');
    await page.locator('.nav-badge').waitFor();
    await page.locator('nav.main-nav').getByRole('link', { name: /通知/ }).click();
    await page.getByRole('heading', { name: /通知/ }).waitFor();
    await axe(page, 'notifications');
    const calls = await apiCalls(page, async () => {
      await page.getByRole('button', { name: /全部已读/ }).click();
      await page.getByText(/0 条未读/).waitFor();
    });
    const marks = calls.filter((c) => c.startsWith('POST /api/v1/notifications/'));
    expect(marks.length === 1 && marks[0] === 'POST /api/v1/notifications/read-all', `全部已读 sent ${marks.join(' | ') || 'nothing'}`);
    // the badge is refreshed after the list (its own GET): wait for it to go rather than race it
    await page.locator('.nav-badge').waitFor({ state: 'detached' }).catch(() => { throw new Error('the badge stayed after 全部已读'); });
    await page.goto(`${BASE}/#/filing/${filingId}`);
    await page.locator('.el-steps').waitFor();
    await page.getByRole('heading', { name: /整改问题/ }).waitFor();
    await page.getByText('方案齐全，准予复工').first().waitFor(); // the street's comment on the filing page
    await page.getByRole('button', { name: /答复整改/ }).first().waitFor();
    await page.goto(`${BASE}/#/password`);
    await page.getByRole('heading', { name: /修改密码/ }).waitFor();
    await axe(page, 'change password');
  });
  const NEW_PASSWORD = 'fugong-changed-2026';
  await step(page, 'password change in the browser: a mismatch stays in the form; then the old password is refused, the new one signs in', async () => {
    await page.locator('#pw-cur').fill(PASSWORD);
    await page.locator('#pw-new').fill(NEW_PASSWORD);
    await page.locator('#pw-again').fill(`${NEW_PASSWORD}x`);
    const calls = await apiCalls(page, async () => {
      await page.locator('main form button[type=submit]').click();
      await page.locator('#pw-again-err').waitFor();
    });
    expect(!calls.some((c) => c.includes('/auth/password')), 'two different new passwords were sent');
    await page.locator('#pw-again').fill(NEW_PASSWORD);
    signedOut = true; // the change ends every session of the account
    await page.locator('main form button[type=submit]').click();
    await page.waitForURL(/#\/login/);
    await page.getByText(/密码已修改/).waitFor();
    await page.locator('#login-user').fill('qiye');
    await page.locator('#login-pass').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('.msg.error').waitFor();
    expect(await page.locator('#who').getByText('qiye').count() === 0, 'the old password still signs in');
    await page.locator('#login-pass').fill(NEW_PASSWORD);
    await page.locator('#login-submit').click();
    signedOut = false;
    await page.locator('#who').getByText('qiye').waitFor();
    // Put the demo password back (through the API), and show it signs in again.
    const st = await page.evaluate(async ([o, n]) => {
      const me = await (await fetch('/api/v1/me')).json();
      const r = await fetch('/api/v1/auth/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify({ old_password: o, new_password: n }) });
      return r.status;
    }, [NEW_PASSWORD, PASSWORD]);
    expect(st >= 200 && st < 300, `changing the password back answered ${st}`);
    signedOut = true;
    await page.reload();
    await page.locator('#login-user').waitFor();
    await login(page, 'qiye');
  });
  await step(page, 'no script errors (CSP violations included) on any page', async () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  });
  await step(page, 'no unexpected API error answers', async () => {
    expect(badResponses.length === 0, badResponses.join(' | '));
  });
  await step(page, `axe-core: 0 serious or critical violations (${axeChecked} pages)`, async () => {
    expect(axeChecked >= 10, `only ${axeChecked} pages checked`);
    expect(axeFindings.length === 0, axeFindings.join(' | '));
  });
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`screenshots (${SHOTS}):`);
for (const s of shots) console.log(`  ${s}`);
console.log(`ui: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
