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

export interface StaffReport {
  id: string;
  category: string;
  text: string;
  status: Status;
  created_at: string;
  events: ReportEvent[];
  household: { building: string; unit: string; room: string };
}

export interface Session {
  staff_id: string;
  name: string;
  community_id: string;
  csrf_token: string;
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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
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

export async function signIn(staffId: string, password: string): Promise<Session> {
  const s = await call<Session>("POST", "/v1/staff/session", { staff_id: staffId, password });
  csrf = s.csrf_token;
  return s;
}

export async function signOut(): Promise<void> {
  await call<void>("DELETE", "/v1/staff/session");
  csrf = "";
}

export function setPassword(link: string, password: string): Promise<void> {
  return call<void>("POST", "/v1/staff/password", { link, password });
}

export function inbox(status: Status | ""): Promise<StaffReport[]> {
  const q = status ? `?status=${encodeURIComponent(status)}` : "";
  return call<StaffReport[]>("GET", `/v1/staff/reports${q}`);
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
