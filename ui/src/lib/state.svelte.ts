// App-wide state shared by the screens: language, text size, care mode, read-aloud, sync status, and a counter that bumps whenever
// the local data changed (a pull, a local change), so screens reload what they show.
import type { Lang } from "./generated/Lang";
import type { PrivacyStatus } from "./generated/PrivacyStatus";
import type { SyncStatus } from "./generated/SyncStatus";
import type { LinkOffer } from "./api";
import { translate, type Args } from "./i18n";

export const ui = $state({
  lang: "zh-CN" as Lang,
  textSize: 2,
  /** 关怀模式 (care mode) for older residents; `null` until the first-launch choice is made. */
  care: null as boolean | null,
  /** Whether this device can read the current language aloud; `null` until asked. */
  speech: null as boolean | null,
  /** 亲友代办: the resident this device is acting for, with how to name them; `null` is the resident's own. */
  actingFor: null as string | null,
  actingLabel: "",
  joined: false,
  ready: false,
  defaultHubUrl: "http://127.0.0.1:8787",
  profileDir: "",
  version: "",
  status: null as SyncStatus | null,
  /** Where this device stands with the privacy notice; the consent screen shows while `must_ask`. */
  privacy: null as PrivacyStatus | null,
  /** A member chose "Not now" on a changed notice: asked again at the next start. */
  privacyDeferred: false,
  dataVersion: 0,
  /** The latest join link from a printed slip, until Join used it (or, once joined, the resident dismissed it). */
  joinLink: null as LinkOffer | null,
});

/** Reads `ui.lang`, so markup that calls it re-renders when the language changes. */
export function t(id: string, args?: Args): string {
  return translate(ui.lang, id, args);
}
