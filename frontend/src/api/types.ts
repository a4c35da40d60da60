// Names for the API's schemas, generated from docs/openapi.yaml by
// openapi-typescript (npm run gen:api). A contract change the UI does not
// follow fails vue-tsc in scripts/ui-build-check.sh.
import type { components, operations } from './schema';

type S = components['schemas'];
export type User = S['User'];
export type SessionInfo = S['SessionInfo'];
export type Enterprise = S['Enterprise'];
export type Zone = S['Zone'];
export type Filing = S['Filing'];
export type FilingInput = S['FilingInput'];
export type FilingSummary = S['FilingSummary'];
export type FilingSummaryList = S['FilingSummaryList'];
export type QueueItem = S['QueueItem'];
export type QueueItemList = S['QueueItemList'];
export type PlanFile = S['PlanFile'];
export type SubmitResult = S['SubmitResult'];
export type Flag = S['Flag'];
export type Attachment = S['Attachment'];
export type UploadResult = S['UploadResult'];
export type RosterSummary = S['RosterSummary'];
export type TableLayout = S['TableLayout'];
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
export type Report = S['Report'];
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

export type ProblemAnswer = S['ProblemAnswer'];
export type ProblemFile = S['ProblemFile'];
export type Finding = S['Finding'];
/** ActivationIssue is one activation sheet a street issued (who, when, how many, expiry, revoked). */
export type ActivationIssue = NonNullable<operations['activationCodeIssues']['responses'][200]['content']['application/json']['items']>[number];

// Daily reporting (issue 15).
export type DailyDefinition = S['DailyDefinition'];
export type DailyReport = S['DailyReport'];
export type DailyReportSummary = S['DailyReportSummary'];
export type DailyReportVersion = S['DailyReportVersion'];
export type DailyPrefill = S['DailyPrefill'];
export type DailyFlag = S['DailyFlag'];
export type DailyDashboard = S['DailyDashboard'];
export type DailyTrend = S['DailyTrend'];
export type DailyReporter = S['DailyReporter'];
export type DailyReporterPage = S['DailyReporterPage'];
export type ReminderResult = S['ReminderResult'];
export type ReportForms = S['ReportForms'];
export type FormEntry = S['FormEntry'];
