// The daily report form, generated from the data set's definition
// (GET /daily/definition, configs/daily.yaml): the model holds what the
// inputs hold (strings, booleans), valuesOf turns it into the JSON the API
// takes, and check repeats the definition's simple checks (required,
// required_if, bounds, length) so the user sees them before sending. The
// server checks everything again and its 422 details win.
import { t } from './i18n';

export interface Text2 { zh?: string; en?: string }
export interface DailyChoice { value?: string; label?: Text2 }
export interface DailyCondition { field?: string; op?: string; value?: number }
export interface DailyField {
  key?: string;
  label?: Text2;
  type?: string;
  unit?: Text2 | null;
  required?: boolean;
  required_if?: DailyCondition | null;
  min?: number | null;
  max?: number | null;
  decimals?: number | null;
  max_length?: number | null;
  choices?: DailyChoice[] | null;
  carry_over?: boolean | null;
}

export type DailyValue = number | boolean | string | null;
/** DailyValues are a report's values as the API sends them (unknown: read by the field's type). */
export type DailyValues = Record<string, unknown>;
/**
 * DailyModel: an input's text for numbers, text and choices; 'yes' / 'no' /
 * '' for yes/no. Vue's v-model on a number input stores a number: every
 * reader goes through txt.
 */
export type DailyModel = Record<string, string>;

/** txt is a model entry as text (a number input may have stored a number). */
export function txt(v: unknown): string {
  return v == null ? '' : String(v);
}

/** tx picks a {zh, en} text in the current language (the other one if empty). */
export function tx(v: Text2 | null | undefined): string {
  if (!v) return '';
  return t(v.zh || v.en || '', v.en || v.zh || '');
}

/** fieldId is the input id of a field (for labels, error links and focus). */
export function fieldId(key: string): string {
  return `d-${key}`;
}

/** emptyModel has every field of the definition blank. */
export function emptyModel(fields: DailyField[]): DailyModel {
  const m: DailyModel = {};
  for (const f of fields) if (f.key) m[f.key] = '';
  return m;
}

/** modelOf fills the form from stored values (a report, or yesterday's for a copy). */
export function modelOf(fields: DailyField[], values: DailyValues | null | undefined, onlyCarried = false): DailyModel {
  const m = emptyModel(fields);
  for (const f of fields) {
    const k = f.key || '';
    if (onlyCarried && f.carry_over === false) continue;
    const v = values?.[k];
    if (v == null) continue;
    if (f.type === 'yesno') m[k] = v === true ? 'yes' : v === false ? 'no' : '';
    else m[k] = String(v);
  }
  return m;
}

/**
 * copyInto returns the model with yesterday's carried-over values filled in
 * where the form is still blank (what the user typed stays) and how many
 * fields were filled.
 */
export function copyInto(fields: DailyField[], model: DailyModel, yesterday: DailyValues | null | undefined): { model: DailyModel; filled: number } {
  const from = modelOf(fields, yesterday, true);
  const out = { ...model };
  let filled = 0;
  for (const [k, v] of Object.entries(from)) {
    if (v !== '' && txt(out[k]).trim() === '') { out[k] = v; filled++; }
  }
  return { model: out, filled };
}

/** valuesOf turns the model into the API's JSON object; blank fields are left out. */
export function valuesOf(fields: DailyField[], m: DailyModel): Record<string, DailyValue> {
  const out: Record<string, DailyValue> = {};
  for (const f of fields) {
    const k = f.key || '';
    const s = txt(m[k]).trim();
    if (s === '') continue;
    switch (f.type) {
      case 'integer':
      case 'decimal': {
        const n = Number(s);
        out[k] = Number.isFinite(n) ? n : s; // the server answers 422 for a non-number
        break;
      }
      case 'yesno':
        out[k] = s === 'yes';
        break;
      default:
        out[k] = txt(m[k]);
    }
  }
  return out;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '==': return a === b;
    case '!=': return a !== b;
    default: return false;
  }
}

/** requiredNow tells whether a field must be given, its condition read on the current model. */
export function requiredNow(f: DailyField, m: DailyModel): boolean {
  if (f.required) return true;
  const c = f.required_if;
  if (!c || !c.field || !c.op || c.value == null) return false;
  const s = txt(m[c.field]).trim();
  if (s === '') return false;
  const n = Number(s);
  return Number.isFinite(n) && compare(n, c.op, c.value);
}

/** bounds is the field's range as the user reads it (「0–10000」), or ''. */
export function boundsText(f: DailyField): string {
  if (f.type !== 'integer' && f.type !== 'decimal') return '';
  const lo = f.min ?? 0; // the server's default lower bound of a number
  const hi = f.max ?? null;
  if (lo != null && hi != null) return `${lo}–${hi}`;
  if (lo != null) return t(`不小于 ${lo}`, `at least ${lo}`);
  if (hi != null) return t(`不大于 ${hi}`, `at most ${hi}`);
  return '';
}

/** check returns the form's errors by field key (empty: nothing the browser can tell is wrong). */
export function check(fields: DailyField[], m: DailyModel): Record<string, string[]> {
  const errs: Record<string, string[]> = {};
  const add = (k: string, msg: string) => { (errs[k] ||= []).push(msg); };
  const byKey = new Map(fields.map((f) => [f.key || '', f]));
  for (const f of fields) {
    const k = f.key || '';
    const s = txt(m[k]).trim();
    if (s === '') {
      if (requiredNow(f, m)) {
        const c = f.required_if;
        if (!f.required && c?.field) {
          const other = tx(byKey.get(c.field)?.label) || c.field;
          add(k, t(`${other}${c.op}${c.value}时必填`, `Required when ${other} ${c.op} ${c.value}`));
        } else add(k, t('必填', 'Required'));
      }
      continue;
    }
    if (f.type === 'integer' || f.type === 'decimal') {
      const n = Number(s);
      if (!Number.isFinite(n)) { add(k, t('请填写数字', 'Enter a number')); continue; }
      if (f.type === 'integer' && !Number.isInteger(n)) { add(k, t('请填写整数', 'Enter a whole number')); continue; }
      const lo = f.min ?? 0;
      if (n < lo) add(k, t(`不能小于 ${lo}`, `At least ${lo}`));
      if (f.max != null && n > f.max) add(k, t(`不能大于 ${f.max}`, `At most ${f.max}`));
    } else if (f.type === 'choice') {
      if (f.choices && !f.choices.some((c) => c.value === s)) add(k, t('请从选项中选择', 'Pick one of the choices'));
    } else if (f.type === 'text') {
      if (f.max_length && [...txt(m[k])].length > f.max_length) add(k, t(`不超过 ${f.max_length} 字`, `At most ${f.max_length} characters`));
    }
  }
  return errs;
}

/** sameModel tells whether the form differs from what was loaded (unsaved edits). */
export function sameModel(a: DailyModel, b: DailyModel): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (txt(a[k]) !== txt(b[k])) return false;
  return true;
}

/** show renders a stored value for a table (yes/no and choices by their labels). */
export function show(f: DailyField | undefined, v: unknown): string {
  if (v == null || v === '') return '—';
  if (!f) return String(v);
  if (f.type === 'yesno') return v === true ? t('是', 'Yes') : v === false ? t('否', 'No') : String(v);
  if (f.type === 'choice') {
    const c = (f.choices || []).find((x) => x.value === v);
    return c ? tx(c.label) : String(v);
  }
  return String(v);
}
