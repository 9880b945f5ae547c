// A report's progress as a stepper: 已提交 → 受理 → 处理中 → 已办结, or 已提交 → 不予受理 (with the office's reason),
// or 已提交 → 已撤回. Worked out from the report's status and timeline only; what the stepper looks like is in
// ReportDetail.svelte.
import type { ReportStatus } from "./generated/ReportStatus";
import type { ReportView } from "./generated/ReportView";

export type StepState = "done" | "current" | "todo";

export type Step = {
  status: ReportStatus;
  state: StepState;
  /** When the report reached this step (the latest time, if it went through it more than once). */
  at: string | null;
  /** The office's reason, on a 不予受理 step. */
  reason: string | null;
};

const PATH: ReportStatus[] = ["submitted", "accepted", "in_progress", "resolved"];

export function progressSteps(r: Pick<ReportView, "status" | "created_at" | "events">): Step[] {
  const reached = new Map<ReportStatus, string>();
  reached.set("submitted", r.created_at);
  let reason: string | null = null;
  for (const e of r.events) {
    if (e.kind === "submitted") reached.set("submitted", e.at);
    if (e.kind === "withdrawn") reached.set("withdrawn", e.at);
    if (e.kind === "status" && e.status) {
      reached.set(e.status, e.at);
      if (e.status === "rejected") reason = e.text;
    }
    // A reopened report goes back to 处理中: what came after it has to be reached again.
    if (e.kind === "reopened") {
      reached.delete("resolved");
      reached.set("in_progress", e.at);
    }
  }
  const step = (status: ReportStatus, state: StepState): Step => ({
    status,
    state,
    at: state === "todo" ? null : (reached.get(status) ?? null),
    reason: status === "rejected" ? reason : null,
  });
  if (r.status === "rejected" || r.status === "withdrawn") {
    return [step("submitted", "done"), step(r.status, "current")];
  }
  const here = PATH.indexOf(r.status);
  return PATH.map((s, i) =>
    step(s, i < here || (i === here && s === "resolved") ? "done" : i === here ? "current" : "todo"),
  );
}
