// The statistics (统计) the hub computes (GET /v1/staff/statistics): the same rows the monthly report
// writes, which the statistics screen shows as tables and draws as charts.
import { HubRefusal } from "./api";

export type GroupBy = "category" | "building" | "grid" | "status" | "source" | "community";
export type Every = "week" | "month";

export interface StatsRow {
  key: string;
  label: string;
  total: number;
  submitted: number;
  open: number;
  resolved: number;
  rejected: number;
  withdrawn: number;
  dispatched: number;
  responded_in_time: number;
  overdue: number;
  overdue_now: number;
  due: number;
  resolved_on_time: number;
  rated: number;
  satisfied: number;
  basic: number;
  unsatisfied: number;
  median_hours_to_accept: number | null;
  p90_hours_to_accept: number | null;
  median_hours_to_resolve: number | null;
  p90_hours_to_resolve: number | null;
  response_rate: number | null;
  resolution_rate: number | null;
  satisfaction_rate: number | null;
  on_time_rate: number | null;
}

export interface NoticeReach {
  building_id: string;
  building: string;
  notices: number;
  households: number;
  read_within_day: number;
}

export interface Turnout {
  consultation_id: string;
  title: string;
  opens_at: string;
  closes_at: string;
  households: number;
  voted: number;
}

export interface Statistics {
  from: string;
  to: string;
  by: GroupBy;
  every: Every;
  rows: StatsRow[];
  total: StatsRow;
  trend: StatsRow[];
  notice_reach: NoticeReach[];
  turnout: Turnout[];
}

/** Midnight at the start of `day` (YYYY-MM-DD) in China Standard Time, as the hub counts days. */
export function cstMidnight(day: string, plusDays = 0): string {
  const t = new Date(`${day}T00:00:00+08:00`);
  t.setUTCDate(t.getUTCDate() + plusDays);
  return t.toISOString();
}

/** The statistics of the days `from` to `to` (both counted whole). */
export async function statistics(from: string, to: string, by: GroupBy, every: Every): Promise<Statistics> {
  const q = new URLSearchParams({ from: cstMidnight(from), to: cstMidnight(to, 1), by, every });
  const resp = await fetch(`/v1/staff/statistics?${q}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!resp.ok) {
    const err = (await resp.json().catch(() => ({}))) as { code?: string };
    throw new HubRefusal(err.code ?? "internal", resp.status);
  }
  return (await resp.json()) as Statistics;
}

/** The monthly report's address (the browser downloads it with the session's cookie). */
export const monthlyUrl = (month: string, format: "xlsx" | "csv") =>
  `/v1/staff/statistics/monthly?${new URLSearchParams({ month: `${month}-01`, format })}`;

/** A share as a percentage with one decimal, or an em dash without a denominator. */
export const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
export const hours = (x: number | null) => (x === null ? "—" : x.toFixed(1));
export const share = (n: number, d: number) => (d > 0 ? n / d : null);
