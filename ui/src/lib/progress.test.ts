import { describe, expect, it } from "vitest";
import type { ReportEvent } from "./generated/ReportEvent";
import type { ReportStatus } from "./generated/ReportStatus";
import { progressSteps } from "./progress";

const ev = (kind: ReportEvent["kind"], at: string, status: ReportStatus | null = null, text: string | null = null): ReportEvent =>
  ({ id: kind + at, kind, actor: "staff", actor_name: null, status, text, satisfaction: null, at });

const report = (status: ReportStatus, events: ReportEvent[]) =>
  ({ status, created_at: "2026-12-01T01:00:00Z", events: [ev("submitted", "2026-12-01T01:00:00Z"), ...events] });

const states = (r: ReturnType<typeof report>) => progressSteps(r).map((s) => `${s.status}:${s.state}`);

describe("a report's progress stepper", () => {
  it("starts at 已提交 with the three steps ahead", () => {
    expect(states(report("submitted", []))).toEqual(["submitted:current", "accepted:todo", "in_progress:todo", "resolved:todo"]);
  });

  it("moves on with each status, with the time each step was reached", () => {
    const r = report("in_progress", [
      ev("status", "2026-12-02T02:00:00Z", "accepted"),
      ev("comment", "2026-12-02T03:00:00Z", null, "已派物业"),
      ev("status", "2026-12-03T04:00:00Z", "in_progress"),
    ]);
    const steps = progressSteps(r);
    expect(states(r)).toEqual(["submitted:done", "accepted:done", "in_progress:current", "resolved:todo"]);
    expect(steps.map((s) => s.at)).toEqual(["2026-12-01T01:00:00Z", "2026-12-02T02:00:00Z", "2026-12-03T04:00:00Z", null]);
  });

  it("shows every step done once resolved", () => {
    const r = report("resolved", [ev("status", "2026-12-02T02:00:00Z", "accepted"), ev("status", "2026-12-04T02:00:00Z", "resolved")]);
    expect(states(r)).toEqual(["submitted:done", "accepted:done", "in_progress:done", "resolved:done"]);
  });

  it("ends at 不予受理 with the office's reason", () => {
    const r = report("rejected", [ev("status", "2026-12-02T02:00:00Z", "rejected", "不属于社区管辖，请拨打 12345")]);
    const steps = progressSteps(r);
    expect(states(r)).toEqual(["submitted:done", "rejected:current"]);
    expect(steps[1].reason).toBe("不属于社区管辖，请拨打 12345");
    expect(steps[1].at).toBe("2026-12-02T02:00:00Z");
  });

  it("ends at 已撤回 when the resident withdrew it", () => {
    expect(states(report("withdrawn", [ev("withdrawn", "2026-12-01T02:00:00Z")]))).toEqual(["submitted:done", "withdrawn:current"]);
  });

  it("goes back to 处理中 when a resolved report is reopened", () => {
    const r = report("in_progress", [
      ev("status", "2026-12-02T02:00:00Z", "resolved"),
      ev("reopened", "2026-12-03T02:00:00Z"),
    ]);
    const steps = progressSteps(r);
    expect(states(r)).toEqual(["submitted:done", "accepted:done", "in_progress:current", "resolved:todo"]);
    expect(steps[2].at).toBe("2026-12-03T02:00:00Z");
  });
});
