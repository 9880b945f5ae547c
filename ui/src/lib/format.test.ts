import { describe, expect, it } from "vitest";
import { monthDay, percent, syncMessage, timeLeft, type Msg } from "./format";
import { translate } from "./i18n";
import type { SyncStatus } from "./generated/SyncStatus";

const status = (state: SyncStatus["state"], pending: number): SyncStatus =>
  ({ state, pending: pending as unknown as bigint, last_synced_at: null, last_error: null, joined: true });

const say = (lang: "zh-CN" | "en-US", m: Msg) =>
  translate(lang, m.id, m.args);

describe("sync status text", () => {
  it("says synced, syncing, and offline with the pending count, in both languages", () => {
    expect(say("zh-CN", syncMessage(status("idle", 0)))).toBe("已同步");
    expect(say("zh-CN", syncMessage(status("offline", 3)))).toBe("离线，3 条待同步");
    expect(say("en-US", syncMessage(status("offline", 1)))).toBe("Offline, 1 change waiting");
    expect(say("en-US", syncMessage(status("offline", 2)))).toBe("Offline, 2 changes waiting");
    expect(say("zh-CN", syncMessage(status("syncing", 2)))).toBe("同步中");
    expect(say("zh-CN", syncMessage(status("idle", 2)))).toBe("2 条待同步");
  });
});

describe("time left", () => {
  const now = new Date("2026-11-28T12:00:00Z");
  it("counts days, then hours, then minutes, and says closed after the deadline", () => {
    expect(timeLeft("2026-12-01T13:00:00Z", now)).toEqual({ id: "time-left-days", args: { count: 3 } });
    expect(timeLeft("2026-11-28T17:30:00Z", now)).toEqual({ id: "time-left-hours", args: { count: 5 } });
    expect(timeLeft("2026-11-28T12:00:20Z", now)).toEqual({ id: "time-left-minutes", args: { count: 1 } });
    expect(timeLeft("2026-11-28T11:59:00Z", now)).toEqual({ id: "time-closed" });
    expect(say("zh-CN", timeLeft("2026-12-01T13:00:00Z", now))).toBe("还剩 3 天");
  });
});

describe("result bars", () => {
  it("gives whole percentages and never divides by zero", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
    expect(percent(5, 5)).toBe(100);
  });
});

describe("a dispatched report's promised date", () => {
  it("reads as the office's calendar day in both languages", () => {
    const end = "2026-12-10T15:59:59Z"; // 23:59:59 on 10 Dec in Beijing
    expect(translate("zh-CN", "report-promised", { date: monthDay(end, "zh-CN") })).toBe("承诺 12月10日 前办结");
    expect(translate("en-US", "report-promised", { date: monthDay(end, "en-US") })).toBe("Promised by December 10");
    expect(translate("zh-CN", "report-handler", { unit: "物业" })).toBe("承办：物业");
  });
});
