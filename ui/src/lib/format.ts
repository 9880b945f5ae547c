// Plain-words formatting for the screens: sync state, time left, dates. Pure functions, tested in format.test.ts.
import type { SyncStatus } from "./generated/SyncStatus";
import type { Args } from "./i18n";

export type Msg = { id: string; args?: Args };

/** 已同步 / 同步中 / 离线，N 条待同步 / 同步出错. */
export function syncMessage(s: SyncStatus | null): Msg {
  if (!s) return { id: "sync-unknown" };
  switch (s.state) {
    case "syncing":
      return { id: "sync-syncing", args: { count: Number(s.pending) } };
    case "offline":
      return { id: "sync-offline", args: { count: Number(s.pending) } };
    case "error":
      return { id: "sync-error", args: { count: Number(s.pending) } };
    default:
      return Number(s.pending) > 0
        ? { id: "sync-pending", args: { count: Number(s.pending) } }
        : { id: "sync-done" };
  }
}

/** "还剩 3 天" / "还剩 5 小时" / "还剩 10 分钟" / "已截止". */
export function timeLeft(closesAt: string, now: Date): Msg {
  const ms = new Date(closesAt).getTime() - now.getTime();
  if (!(ms > 0)) return { id: "time-closed" };
  const minutes = Math.floor(ms / 60000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days >= 1) return { id: "time-left-days", args: { count: days } };
  if (hours >= 1) return { id: "time-left-hours", args: { count: hours } };
  return { id: "time-left-minutes", args: { count: Math.max(minutes, 1) } };
}

/** A date and time the resident reads easily, in their language. */
export function dateTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang, {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** The promised date of a dispatched report, as the office counts days (China Standard Time):
 * "12月10日" / "December 10". */
export function monthDay(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang, { month: "long", day: "numeric", timeZone: "Asia/Shanghai" });
}

/** Share of votes for a result bar, 0–100, safe for zero totals. */
export function percent(votes: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.round((votes / total) * 100);
}
