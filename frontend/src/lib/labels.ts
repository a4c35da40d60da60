// Human labels for every code the API returns: nothing like `roster_fever`,
// `filing_return` or `south` reaches the screen. label() falls back to the
// code itself for a code this table does not know yet.
import { t } from './i18n';

export type LabelMap = Record<string, readonly [string, string]>;

export const ROLE: LabelMap = {
  enterprise: ['企业', 'Enterprise'], street_official: ['街道', 'Street official'], park_manager: ['管委会', 'Park manager'],
  department: ['部门', 'Department'], admin: ['管理员', 'Admin'],
};
export const STATUS: LabelMap = {
  draft: ['草稿', 'Draft'], submitted: ['待审核', 'Submitted'], approved: ['已批准', 'Approved'],
  returned: ['退回整改', 'Returned'], rejected: ['不予备案', 'Rejected'],
};
export const PSTATUS: LabelMap = {
  open: ['待整改', 'Open'], answered: ['已答复', 'Answered'], rectified: ['已整改', 'Rectified'], waived: ['已豁免', 'Waived'],
};
export const SOURCE: LabelMap = { rule: ['规则', 'Rule'], review: ['审核', 'Review'], inspection: ['检查', 'Inspection'] };
export const SEV: LabelMap = { block: ['阻断', 'Blocks'], warn: ['警告', 'Warning'], info: ['提示', 'Info'] };
export const SECTOR: LabelMap = { industrial: ['工业', 'Industrial'], service: ['服务业', 'Service'], construction: ['建筑工地', 'Construction'] };
export const ZONE: LabelMap = { south: ['南区', 'South'], west: ['西区', 'West'], east: ['东区', 'East'] };
export const ENT_STATE: LabelMap = {
  not_filed: ['未备案', 'Not filed'], submitted: ['已提交', 'Submitted'], approved: ['已批准', 'Approved'],
  returned: ['已退回', 'Returned'], rejected: ['不予备案', 'Rejected'], resumed: ['已复工', 'Resumed'],
};
export const POPULATION: LabelMap = {
  industrial: ['工业企业', 'Industrial'], industrial_above_scale: ['规上工业企业', 'Above-scale industrial'],
  service: ['服务业（不含房地产）', 'Service (excl. real estate)'], construction: ['建筑工地（纳入监管）', 'Construction (supervised)'],
  construction_south_west: ['建筑工地（南区、西区）', 'Construction, south + west'], construction_east: ['建筑工地（东区）', 'Construction, east'],
};
/** The sector filter a population key drills down to (/dashboard/enterprises?sector=). */
export const POPULATION_SECTOR: Record<string, string> = {
  industrial: 'industrial', industrial_above_scale: 'industrial', service: 'service',
  construction: 'construction', construction_south_west: 'construction', construction_east: 'construction',
};
export const RULE: LabelMap = {
  plan_missing: ['未提交复工方案', 'No resumption plan'],
  plan_text_unreadable: ['复工方案无法读取文字', 'Plan text unreadable'],
  plan_lacks_organization: ['方案缺少组织领导章节', 'Plan lacks organisation'],
  plan_lacks_screening: ['方案缺少人员排查章节', 'Plan lacks screening'],
  plan_lacks_disinfection: ['方案缺少消毒章节', 'Plan lacks disinfection'],
  plan_lacks_emergency: ['方案缺少应急处置章节', 'Plan lacks emergency response'],
  plan_lacks_supplies: ['方案缺少物资保障章节', 'Plan lacks supplies'],
  plan_near_duplicate: ['复工方案与他人雷同', 'Plan near-duplicate of another'],
  roster_missing: ['未上传员工健康台账', 'No staff roster'],
  roster_rows_mismatch: ['台账人数与员工总数不符', 'Roster rows differ from staff total'],
  roster_fever: ['有员工发热', 'Staff with fever'],
  roster_health_code_red: ['有员工健康码为红码', 'Red health code'],
  roster_health_code_yellow: ['有员工健康码为黄码', 'Yellow health code'],
  roster_hubei_in_quarantine: ['湖北返岗员工仍在隔离期', 'Hubei returnee in quarantine'],
  roster_hubei_unquarantined: ['湖北返岗员工无隔离记录', 'Hubei returnee not quarantined'],
  staff_total_missing: ['未填写员工总数', 'No staff total'],
  staff_onsite_exceeds_total: ['在岗人数超过员工总数', 'On-site staff exceed total'],
  masks_insufficient: ['口罩储备不足', 'Too few masks'],
  thermometers_insufficient: ['体温计不足', 'Too few thermometers'],
  disinfectant_insufficient: ['消毒液储备不足', 'Too little disinfectant'],
  isolation_room_missing: ['未设置临时隔离室', 'No isolation room'],
  planned_resume_date_missing: ['未填写计划复工日期', 'No planned date'],
  resume_date_passed_unapproved: ['计划复工日期已过但未获批准', 'Planned date passed unapproved'],
  resumed_before_approval: ['未经批准复工', 'Resumed before approval'],
  resumed_without_approval: ['未经审核通过即复工', 'Resumed without approval'],
  staff_large: ['员工人数较多', 'Large workforce'],
  // daily report rules (rules/daily)
  daily_fever_unhandled: ['发热人员未处置', 'Fever not handled'],
  daily_fever_jump: ['发热人数较近一周突增', 'Fever jump against the week'],
  daily_hubei_not_quarantined: ['湖北返岗人员未全部隔离', 'Hubei returnees not all quarantined'],
  daily_missed_days: ['连续两天以上未报', 'Two days or more unreported'],
  daily_staff_over_approved: ['在岗人数超过备案核准人数', 'Staff above the approved number'],
  daily_masks_low: ['口罩库存不足', 'Masks running low'],
};
export const AUDIT: LabelMap = {
  login: ['登录', 'Sign in'], login_failed: ['登录失败', 'Failed sign-in'], logout: ['退出登录', 'Sign out'],
  account_created: ['账号开通', 'Account created'], password_changed: ['修改密码', 'Password changed'],
  api_token_created: ['创建接口令牌', 'API token created'], activation_codes_issued: ['生成激活码', 'Activation codes issued'],
  registry_import: ['企业名录导入', 'Registry import'], filing_created: ['新建备案', 'Filing created'],
  filing_updated: ['修改备案', 'Filing edited'], filing_submitted: ['提交备案', 'Filing submitted'],
  filing_approve: ['批准备案', 'Filing approved'], filing_return: ['退回整改', 'Filing returned'],
  filing_reject: ['不予备案', 'Filing rejected'], filing_resumed: ['登记复工', 'Resumption recorded'],
  resumed_without_approval: ['未经批准复工', 'Resumed without approval'], attachment_uploaded: ['上传附件', 'File uploaded'],
  problem_recorded: ['记录问题', 'Problem recorded'], problem_waived: ['豁免问题', 'Problem waived'],
  problem_answered: ['答复问题', 'Problem answered'], problem_verified: ['核验整改', 'Rectification verified'],
  notice_issued: ['发出整改意见函', 'Notice issued'], plan_template_added: ['新增方案模板', 'Plan template added'],
  report_exported: ['导出报表', 'Report exported'], rules_reloaded: ['重新加载规则', 'Rules reloaded'],
  rules_reload_failed: ['规则加载失败', 'Rules reload failed'], rules_backtest: ['规则回测', 'Rules backtest'],
  rules_backtest_start: ['开始规则回测', 'Rules backtest started'], api_token_revoked: ['吊销接口令牌', 'API token revoked'],
  activation_codes_revoked: ['作废激活码', 'Activation codes revoked'], audit_verify: ['校验审计日志', 'Audit log verified'],
  login_rate_limited: ['登录被限流', 'Sign-in throttled'], account_activated: ['激活账号', 'Account activated'],
  activation_failed: ['激活失败', 'Activation failed'], account_disabled: ['停用账号', 'Account disabled'],
  account_enabled: ['启用账号', 'Account enabled'], bulletin_issued: ['发布通报', 'Bulletin issued'],
  letter_issued: ['发出整改函', 'Letter issued'], problem_evidence_added: ['补充问题证据', 'Evidence added'],
  problem_reminder_sent: ['发送整改提醒', 'Reminder sent'],
};
export const NOTIFY: LabelMap = {
  filing_returned: ['备案被退回', 'Filing returned'], filing_approved: ['备案已批准', 'Filing approved'],
  filing_rejected: ['备案未予通过', 'Filing rejected'], problem_opened: ['新的整改问题', 'New problem'],
  notice_issued: ['整改意见函', 'Rectification notice'], problem_answered: ['企业已答复问题', 'Problem answered'],
};
export const FIELD: LabelMap = {
  planned_resume_date: ['计划复工日期', 'Planned date'], staff_total: ['员工总数', 'Staff total'],
  staff_onsite: ['到岗人数', 'Staff on site'], 'supplies.masks': ['口罩', 'Masks'],
  'supplies.thermometers': ['体温计', 'Thermometers'], 'supplies.disinfectant_liters': ['消毒液', 'Disinfectant'],
  'supplies.isolation_room': ['临时隔离室', 'Isolation room'], plan_text: ['复工方案', 'Plan'],
  'contact.name': ['联系人', 'Contact'], 'contact.phone': ['联系电话', 'Phone'], supplies: ['防疫物资', 'Supplies'],
  contact: ['联系人', 'Contact'], 'roster.rows': ['台账人数', 'Roster rows'], 'roster.fever': ['发热人数', 'Fever'],
  'roster.health_code_red': ['红码人数', 'Red code'], 'roster.health_code_yellow': ['黄码人数', 'Yellow code'],
  'roster.hubei_14d': ['14日内湖北旅居', 'Hubei ≤14 d'], 'roster.in_quarantine': ['仍在隔离期', 'In quarantine'],
};
/** The fields a roster column is read into (upload answer `columns.used[].field`, `summary.unknown`). */
export const ROSTER_FIELD: LabelMap = {
  name: ['姓名', 'Name'], id_number: ['身份证号', 'ID number'], phone: ['手机号', 'Phone'], department: ['部门', 'Department'],
  temperature: ['体温', 'Temperature'], health_code: ['健康码', 'Health code'], travel_14d: ['近14日旅居史', 'Travel (14 days)'],
  return_date: ['返回日期', 'Return date'], quarantine_end: ['隔离结束日期', 'Quarantine end'],
};

/**
 * label returns the human name of code in the current language. A code the
 * table does not know falls back to itself; where a code is only extra
 * information (a flag's rule id), callers show nothing for an unknown one.
 */
export function label(map: LabelMap, code: string | null | undefined): string {
  if (code == null || code === '') return '—';
  const v = map[code];
  return v ? t(v[0], v[1]) : code;
}
