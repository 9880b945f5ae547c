// The UI's messages: the same Fluent files as the Rust side (locales/<lang>/*.ftl), zh-CN by default with
// en-US as the fallback. A missing message shows its id, so gaps are visible instead of blank.
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import type { Lang } from "./generated/Lang";

const sources = import.meta.glob("../../../locales/*/*.ftl", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

export const LANGS: Lang[] = ["zh-CN", "en-US"];

function buildBundle(lang: Lang): FluentBundle {
  // No isolation marks: they would end up in copied text, tests and read-aloud.
  const bundle = new FluentBundle(lang, { useIsolating: false });
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes(`/locales/${lang}/`)) {
      const errors = bundle.addResource(new FluentResource(text));
      if (errors.length) console.warn(`fluent: ${path}`, errors);
    }
  }
  return bundle;
}

const bundles: Record<Lang, FluentBundle> = {
  "zh-CN": buildBundle("zh-CN"),
  "en-US": buildBundle("en-US"),
};

export type Args = Record<string, FluentVariable>;

/** A message in `lang`, else in the other language, else its id. */
export function translate(lang: Lang, id: string, args?: Args): string {
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const bundle = bundles[l];
    const msg = bundle.getMessage(id);
    if (msg?.value) return bundle.formatPattern(msg.value, args);
  }
  return id;
}

/** Whether a message exists in `lang` itself (used by tests). */
export function hasMessage(lang: Lang, id: string): boolean {
  return bundles[lang].hasMessage(id);
}

export function messageIds(lang: Lang): string[] {
  const ids: string[] = [];
  for (const [path, text] of Object.entries(sources)) {
    if (!path.includes(`/locales/${lang}/`)) continue;
    for (const m of text.matchAll(/^([a-zA-Z][\w-]*)\s*=/gm)) ids.push(m[1]);
  }
  return ids.sort();
}
