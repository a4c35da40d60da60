// The filing form's model: strings as the inputs hold them, turned into
// the API's FilingInput (empty number fields are left out).
import type { Filing, FilingInput } from '../api/types';

export interface FilingModel {
  planned_resume_date: string;
  staff_total: string;
  staff_onsite: string;
  masks: string;
  thermometers: string;
  disinfectant_liters: string;
  isolation_room: boolean;
  plan_text: string;
  contact_name: string;
  contact_phone: string;
}

const str = (n: number | null | undefined): string => (n == null ? '' : String(n));
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

export function modelOf(f: Partial<Filing>): FilingModel {
  const s = f.supplies || {};
  const c = f.contact || {};
  return {
    planned_resume_date: f.planned_resume_date || '',
    staff_total: str(f.staff_total), staff_onsite: str(f.staff_onsite),
    masks: str(s.masks), thermometers: str(s.thermometers), disinfectant_liters: str(s.disinfectant_liters),
    isolation_room: !!s.isolation_room, plan_text: f.plan_text || '',
    contact_name: c.name || '', contact_phone: c.phone || '',
  };
}

export function inputOf(m: FilingModel): FilingInput {
  return {
    planned_resume_date: m.planned_resume_date || undefined,
    staff_total: num(m.staff_total), staff_onsite: num(m.staff_onsite),
    supplies: { masks: num(m.masks), thermometers: num(m.thermometers), disinfectant_liters: num(m.disinfectant_liters), isolation_room: m.isolation_room },
    plan_text: m.plan_text,
    contact: { name: m.contact_name, phone: m.contact_phone },
  };
}

/** sameModel tells whether the form holds unsaved edits. */
export function sameModel(a: FilingModel, b: FilingModel): boolean {
  return (Object.keys(a) as (keyof FilingModel)[]).every((k) => a[k] === b[k]);
}

/** The input id of each API field name (for error links and aria-invalid). */
export const FIELD_IDS: Record<string, string> = {
  planned_resume_date: 'f-planned_resume_date', staff_total: 'f-staff_total', staff_onsite: 'f-staff_onsite',
  'supplies.masks': 'f-supplies-masks', 'supplies.thermometers': 'f-supplies-thermometers',
  'supplies.disinfectant_liters': 'f-supplies-disinfectant_liters', 'supplies.isolation_room': 'f-supplies-isolation_room',
  plan_text: 'f-plan_text', 'contact.name': 'f-contact-name', 'contact.phone': 'f-contact-phone',
};
