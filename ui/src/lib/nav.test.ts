import { describe, expect, it } from "vitest";
import { careNav, isCurrent, MAX_TABS, meEntries, phoneTabs, standardNav } from "./nav";
import { translate } from "./i18n";

const current = (route: string, nav = standardNav) =>
  phoneTabs(nav).filter((i) => isCurrent(i, route)).map((i) => i.name);

describe("the phone's bottom tab bar", () => {
  it("has at most five tabs: 首页 · 通知 · 随手拍 · 议事 · 我的", () => {
    const tabs = phoneTabs(standardNav);
    expect(tabs.length).toBeLessThanOrEqual(MAX_TABS);
    expect(tabs.map((t) => translate("zh-CN", t.short))).toEqual(["首页", "通知", "随手拍", "议事", "我的"]);
    expect(tabs.map((t) => translate("en-US", t.short))).toEqual(["Home", "Notices", "Report", "Votes", "Me"]);
  });

  it("puts what is not a tab under 我的, so every section stays reachable", () => {
    expect(meEntries().map((e) => e.name)).toEqual(["reports", "proxies", "settings"]);
    const reachable = new Set([...phoneTabs(standardNav), ...meEntries()].map((i) => i.name));
    for (const i of standardNav) expect(reachable.has(i.name)).toBe(true);
  });

  it("marks exactly one tab current on every screen, 我的 for a report's detail and settings", () => {
    expect(current("home")).toEqual(["home"]);
    expect(current("notice")).toEqual(["notices"]);
    expect(current("consultation")).toEqual(["consultations"]);
    expect(current("report")).toEqual(["report"]);
    for (const r of ["me", "reports", "report-detail", "proxies", "settings"]) expect(current(r)).toEqual(["me"]);
  });

  it("keeps care mode's three big choices at every width", () => {
    expect(phoneTabs(careNav).map((i) => i.name)).toEqual(["home", "reports", "settings"]);
    expect(current("report-detail", careNav)).toEqual(["reports"]);
  });
});
