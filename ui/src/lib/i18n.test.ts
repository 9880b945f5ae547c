import { describe, expect, it } from "vitest";
import { hasMessage, messageIds, translate } from "./i18n";

describe("messages", () => {
  it("loads the same Fluent files as the Rust side, with the same ids in both languages", () => {
    const zh = messageIds("zh-CN");
    const en = messageIds("en-US");
    expect(zh.length).toBeGreaterThan(100);
    expect(zh).toEqual(en);
  });

  it("uses no isolation marks around arguments", () => {
    const text = translate("zh-CN", "report-step", { step: 2, total: 4 });
    expect(text).toBe("第 2 步，共 4 步");
    expect(text).not.toMatch(/[\u2068\u2069]/);
  });

  it("shares the hub's error texts", () => {
    expect(translate("zh-CN", "error-consultation-closed")).toBe("投票已截止，未计入");
  });

  it("falls back to the other language, then to the id", () => {
    expect(hasMessage("en-US", "nav-home")).toBe(true);
    expect(translate("en-US", "no-such-message")).toBe("no-such-message");
  });
});
