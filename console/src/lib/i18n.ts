// The console's messages: the shared Fluent files (locales/<lang>/console.ftl for the screens,
// errors.ftl for the hub's error codes), zh-CN first with en-US as the fallback. A missing message
// shows its id, so gaps are visible instead of blank.
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";

const sources = import.meta.glob("../../../locales/*/{console,errors}.ftl", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

export type Lang = "zh-CN" | "en-US";
export const LANGS: Lang[] = ["zh-CN", "en-US"];

function buildBundle(lang: Lang): FluentBundle {
  const bundle = new FluentBundle(lang, { useIsolating: false });
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes(`/locales/${lang}/`)) bundle.addResource(new FluentResource(text));
  }
  return bundle;
}

const bundles: Record<Lang, FluentBundle> = {
  "zh-CN": buildBundle("zh-CN"),
  "en-US": buildBundle("en-US"),
};

/** A message in `lang`, else in the other language, else its id. */
export function translate(lang: Lang, id: string, args?: Record<string, FluentVariable>): string {
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const msg = bundles[l].getMessage(id);
    if (msg?.value) return bundles[l].formatPattern(msg.value, args);
  }
  return id;
}

/** The message for one of the hub's stable error codes (`error-<code>` in errors.ftl). */
export function errorMessage(lang: Lang, code: string): string {
  return translate(lang, `error-${code.replaceAll("_", "-")}`);
}
