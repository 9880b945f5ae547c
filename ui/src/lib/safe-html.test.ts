// Stored text (reports, comments, notices, device names) reaches the screen only through Svelte's text
// interpolation, which escapes it. Raw HTML sinks would let a resident's or staff member's text become
// markup in everyone's app: none may appear in the UI's source.
import { describe, expect, it } from "vitest";

// Every source file of the UI as text, through Vite's own loader (so the check needs no Node APIs).
const SOURCES: Record<string, string> = import.meta.glob(
  ["../**/*.{svelte,ts,js}", "!../**/*.test.ts", "!../lib/generated/**"],
  { query: "?raw", import: "default", eager: true },
);
const SINKS = [/\{@html\b/, /\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write\(/];

describe("stored text is never rendered as HTML", () => {
  it("no raw HTML sink in the UI source", () => {
    const files = Object.entries(SOURCES);
    expect(files.length).toBeGreaterThan(10);
    const hits = files.flatMap(([name, text]) =>
      SINKS.filter((re) => re.test(text)).map((re) => `${name}: ${re}`),
    );
    expect(hits).toEqual([]);
  });

  it("the check bites: a sink in a file is found", () => {
    const text = 'before <p>{@html resident.text}</p> after';
    expect(SINKS.some((re) => re.test(text))).toBe(true);
  });
});
