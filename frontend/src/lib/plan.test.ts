import { describe, expect, it } from 'vitest';
import { planFlags, planParts } from './plan';

describe('plan', () => {
  it('shows the text read from an uploaded DOCX/PDF, not 「未填写方案文字」', () => {
    const p = planParts({ plan_text: '', plan_file: { attachment_id: 4, filename: '方案.docx', text: '一、防控组织\n二、测温', unreadable: false } });
    expect(p.empty).toBe(false);
    expect(p.typed).toBe('');
    expect(p.file).toEqual({ id: 4, filename: '方案.docx', text: '一、防控组织\n二、测温', unreadable: false });
  });

  it('marks a scan with no text as unreadable', () => {
    expect(planParts({ plan_text: '', plan_file: { attachment_id: 5, filename: 'scan.pdf', text: '  ', unreadable: false } }).file?.unreadable).toBe(true);
  });

  it('is empty with neither typed text nor a file', () => {
    expect(planParts({ plan_text: '  ', plan_file: null }).empty).toBe(true);
  });

  it('keeps the plan rules\' flags only', () => {
    const flags = [
      { rule_id: 'plan_lacks_screening', severity: 'warn' as const, message: '' },
      { rule_id: 'roster_fever', severity: 'block' as const, message: '' },
      { rule_id: 'plan_near_duplicate', severity: 'block' as const, message: '' },
    ];
    expect(planFlags(flags).map((f) => f.rule_id)).toEqual(['plan_lacks_screening', 'plan_near_duplicate']);
  });
});
