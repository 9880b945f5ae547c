// The staff API (/v1/staff/…) as the console speaks it. The session is an HttpOnly cookie the browser
// keeps; the CSRF token lives only in memory and goes with every state-changing request.
export type Status = "submitted" | "accepted" | "in_progress" | "resolved" | "rejected" | "withdrawn";

export interface ReportEvent {
  id: string;
  kind: string;
  actor: string;
  actor_name?: string | null;
  status?: Status | null;
  text?: string | null;
  at: string;
}

export type Role = "head" | "grid" | "unit" | "data" | "street";

export interface StaffName {
  id: string;
  name: string;
  role: Role;
}

/** A dispatch step (派单, 签收, 退回), attributed to the staff member who took it. */
export interface DispatchStep {
  kind: "dispatched" | "signed" | "returned";
  by: StaffName | null;
  text: string | null;
  at: string;
}

/** An internal note: staff only. */
export interface ReportNote {
  id: string;
  by: StaffName;
  text: string;
  at: string;
}

/** Where a report came from when a city system (the 12345 hotline) sent it over Open311. */
export interface ExternalCase {
  source: string;
  external_id: string | null;
  key_name: string;
  hotline_deadline: string | null;
  hotline_category: string | null;
}

export interface StaffReport {
  id: string;
  category: string;
  text: string;
  status: Status;
  created_at: string;
  events: ReportEvent[];
  household: { building: string; unit: string; room: string };
  assignee: StaffName | null;
  deadline: string | null;
  signed_at: string | null;
  overdue: boolean;
  steps: DispatchStep[];
  notes: ReportNote[];
  address: { building: string | null; unit: string | null; room: string | null; text: string | null };
  external?: ExternalCase;
}

export interface Session {
  staff_id: string;
  name: string;
  community_id: string;
  role: Role;
  csrf_token: string;
  /** Whether sign-in needs an authenticator code (the second factor is on). */
  totp: boolean;
}

/** A new authenticator's secret, shown once. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
}

/** A refusal from the hub, with its stable code (the message comes from the Fluent files). */
export class HubRefusal extends Error {
  constructor(
    public code: string,
    public status: number,
  ) {
    super(code);
  }
}

let csrf = "";

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const resp = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!resp.ok) {
    const err = (await resp.json().catch(() => ({}))) as { code?: string };
    throw new HubRefusal(err.code ?? "internal", resp.status);
  }
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
}

/** Signs in; an account with the second factor answers `staff_totp_required` until `code` is given. */
export async function signIn(staffId: string, password: string, code?: string): Promise<Session> {
  const s = await call<Session>("POST", "/v1/staff/session", { staff_id: staffId, password, code: code ?? null });
  csrf = s.csrf_token;
  return s;
}

export async function signOut(): Promise<void> {
  await call<void>("DELETE", "/v1/staff/session");
  csrf = "";
}

/** Ends every session of the signed-in member, this one too. */
export async function signOutEverywhere(): Promise<void> {
  await call<void>("DELETE", "/v1/staff/sessions");
  csrf = "";
}

export function totpBegin(): Promise<TotpEnrolment> {
  return call<TotpEnrolment>("POST", "/v1/staff/totp");
}

export function totpConfirm(code: string): Promise<void> {
  return call<void>("POST", "/v1/staff/totp/confirm", { code });
}

export function totpDisable(code: string): Promise<void> {
  return call<void>("POST", "/v1/staff/totp/disable", { code });
}

export function setPassword(link: string, password: string): Promise<void> {
  return call<void>("POST", "/v1/staff/password", { link, password });
}

export function inbox(status: Status | "", overdue = false): Promise<StaffReport[]> {
  const q = new URLSearchParams();
  if (status) q.set("status", status);
  if (overdue) q.set("overdue", "true");
  const qs = q.toString();
  return call<StaffReport[]>("GET", `/v1/staff/reports${qs ? `?${qs}` : ""}`);
}

export function report(id: string): Promise<StaffReport> {
  return call<StaffReport>("GET", `/v1/staff/reports/${encodeURIComponent(id)}`);
}

export function setStatus(id: string, status: Status, reply: string): Promise<unknown> {
  return call("POST", `/v1/staff/reports/${encodeURIComponent(id)}/status`, {
    status,
    reply: reply.trim() ? reply : null,
  });
}

const on = (id: string, step: string) => `/v1/staff/reports/${encodeURIComponent(id)}/${step}`;

/** Grid workers and handling units of the community: who a report may be dispatched to. */
export function assignees(): Promise<StaffName[]> {
  return call<StaffName[]>("GET", "/v1/staff/assignees");
}

/** 派单; without a deadline the hub applies the category's time limit in working days. */
export function dispatch(id: string, assignee: string, deadline: string | null): Promise<unknown> {
  return call("POST", on(id, "dispatch"), { assignee, deadline });
}

export function sign(id: string): Promise<unknown> {
  return call("POST", on(id, "sign"));
}

export function sendBack(id: string, reason: string): Promise<unknown> {
  return call("POST", on(id, "return"), { reason });
}

export function addNote(id: string, text: string): Promise<ReportNote> {
  return call<ReportNote>("POST", on(id, "notes"), { text });
}

// -- the 12345 bridge: the hotline's case file in, its result file out (the community's head)

/** What an import did. */
export interface HotlineImport {
  rows: number;
  created: number;
  existing: number;
  ids: string[];
  /** The hub's summary, in the language asked for. */
  message: string;
}

/** One refused row of the hotline's file, its reason in the language asked for. */
export interface HotlineRowProblem {
  row: number;
  column: string | null;
  reason: string;
}

/** A refused file: nothing of it was imported. */
export class HotlineRefusal extends HubRefusal {
  constructor(public rows: HotlineRowProblem[]) {
    super("hotline_import_invalid", 422);
  }
}

/** Sends the hotline's file (.xlsx or .csv) as it is; the hub's reasons come in `lang`. */
export async function hotlineImport(file: Blob, lang: string): Promise<HotlineImport> {
  const resp = await fetch("/v1/staff/hotline/import", {
    method: "POST",
    headers: { Accept: "application/json", "Accept-Language": lang, "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf },
    credentials: "same-origin",
    body: file,
  });
  const body = (await resp.json().catch(() => ({}))) as { code?: string; rows?: HotlineRowProblem[] };
  if (resp.status === 422 && body.rows) throw new HotlineRefusal(body.rows);
  if (!resp.ok) throw new HubRefusal(body.code ?? "internal", resp.status);
  return body as unknown as HotlineImport;
}

/** The result file's address (a plain download: the session cookie goes with it). */
export function hotlineExportUrl(since: string, format: "xlsx" | "csv"): string {
  return `/v1/staff/hotline/export?since=${encodeURIComponent(since)}&format=${format}`;
}
