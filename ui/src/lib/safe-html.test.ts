// Stored text (reports, comments, notices, device names) reaches the screen only through Svelte's text
// interpolation, which escapes it. Raw HTML sinks would let a resident's or staff member's text become
// markup in everyone's app: none may appear in the UI's source.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("..", import.meta.url));
const SINKS = [/\{@html\b/, /\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write\(/];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sources(path);
    return /\.(svelte|ts|js)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("stored text is never rendered as HTML", () => {
  it("no raw HTML sink in the UI source", () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(10);
    const hits = files.flatMap((f) =>
      SINKS.filter((re) => re.test(readFileSync(f, "utf8"))).map((re) => `${f}: ${re}`),
    );
    expect(hits).toEqual([]);
  });
});
