// The plan as the rules read it (internal/filing submit.go): the typed
// plan_text, then the text read from the uploaded plan file. The flags that
// point at it are the plan rules' (rules/plan.yaml: ids starting "plan_").
import type { Filing, Flag } from '../api/types';

/** planFlags returns the flags raised by the plan rules. */
export function planFlags(flags: Flag[] | undefined): Flag[] {
  return (flags || []).filter((f) => (f.rule_id || '').startsWith('plan_'));
}

/** PlanParts is what the reviewer reads: each non-empty part of the plan. */
export interface PlanParts {
  typed: string;
  file: { id: number; filename: string; text: string; unreadable: boolean } | null;
  empty: boolean;
}

/** planParts splits the filing's plan into the typed text and the file's text. */
export function planParts(f: Pick<Filing, 'plan_text' | 'plan_file'>): PlanParts {
  const typed = (f.plan_text || '').trim();
  const pf = f.plan_file;
  const file = pf ? { id: pf.attachment_id || 0, filename: pf.filename || '', text: (pf.text || '').trim(), unreadable: !!pf.unreadable || !(pf.text || '').trim() } : null;
  return { typed, file, empty: !typed && !file };
}
