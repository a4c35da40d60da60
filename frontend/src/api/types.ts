// Names for the API's schemas, generated from docs/openapi.yaml by
// openapi-typescript (npm run gen:api). A contract change the UI does not
// follow fails vue-tsc in scripts/ui-build-check.sh.
import type { components } from './schema';

type S = components['schemas'];
export type User = S['User'];
export type SessionInfo = S['SessionInfo'];
export type Enterprise = S['Enterprise'];
export type Zone = S['Zone'];
export type Filing = S['Filing'];
export type FilingInput = S['FilingInput'];
export type FilingSummary = S['FilingSummary'];
export type FilingSummaryList = S['FilingSummaryList'];
export type SubmitResult = S['SubmitResult'];
export type Flag = S['Flag'];
export type Attachment = S['Attachment'];
export type UploadResult = S['UploadResult'];
export type RosterSummary = S['RosterSummary'];
export type Revision = S['Revision'];
export type Problem = S['Problem'];
export type Notification = S['Notification'];
export type Notice = S['Notice'];
export type Diff = S['Diff'];
export type FieldChange = S['FieldChange'];
export type SimilarFiling = S['SimilarFiling'];
export type SectorRow = S['SectorRow'];
export type SectorDashboard = S['SectorDashboard'];
export type StreetRow = S['StreetRow'];
export type StreetDashboard = S['StreetDashboard'];
export type Trend = S['Trend'];
export type ReportView = S['ReportView'];
export type Report = S['Report'] & { source?: string; date?: string }; // source, date: daily views (issue 15), until docs/openapi.yaml has them
export type AuditEntry = S['AuditEntry'];
export type ImportResult = S['ImportResult'];
export type ErrorDetail = S['ErrorDetail'];

/** List is the API's list envelope with typed items. */
export interface List<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

/**
 * DrillEnterprise is a row of GET /dashboard/enterprises (being built; the
 * UI codes against the agreed contract and shows 「暂未开放」 on a 404).
 */
export interface DrillEnterprise {
  id: number;
  credit_code: string;
  name: string;
  sector: string;
  street: string;
  zone: string;
  state: string;
  submitted_at?: string | null;
  approved_at?: string | null;
  resumed_at?: string | null;
}

/** ProblemAnswer is an enterprise's answer to a problem (being built). */
export interface ProblemAnswer {
  id?: number;
  text?: string;
  created_at?: string;
  files?: { id?: number; filename?: string }[];
}

// ---- daily reporting (issue 15). Placeholders shaped as docs/openapi.yaml's
// Daily* schemas of branch daily, until the merged schema.d.ts has them.
import type { DailyField, DailyValues, Text2 } from '../lib/dailyForm';
import type { DayFigures } from '../lib/dailyChart';
export interface DailyDefinition { data_set?: string; title?: Text2; date?: string; deadline?: string; late_window_days?: number; version?: number; fields?: DailyField[] }
export interface DailyReport {
  id?: number; enterprise_id?: number; date?: string; street?: string; sector?: string; definition_version?: number; version?: number;
  on_time?: boolean; late?: boolean; warnings?: number; submitted_at?: string; updated_at?: string; submitted_by?: string; via_token?: boolean;
  values?: DailyValues; masked?: string[]; flags?: Flag[];
}
export interface DailyReportSummary { id?: number; date?: string; version?: number; on_time?: boolean; late?: boolean; warnings?: number; submitted_at?: string }
export interface DailyReportVersion { version?: number; definition_version?: number; late?: boolean; note?: string; created_by?: string; via_token?: boolean; created_at?: string; values?: DailyValues; masked?: string[] }
export interface DailyPrefill { date?: string; from_date?: string; values?: DailyValues }
export type DailyDay = DayFigures;
export interface DailyMissing { enterprise_id?: number; name?: string; credit_code?: string; sector?: string; street?: string; last_report_date?: string | null; reminded_at?: string | null }
export interface ReminderResult { sent?: number; skipped?: number }
