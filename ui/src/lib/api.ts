// Typed calls into the Tauri shell (src-tauri/src/commands). Calls about notices, reports and votes carry the
// resident a relative is acting for (亲友代办), if any. Every type comes from the Rust types via ts-rs
// (./generated); nothing here is copied by hand. Errors arrive as ErrorView {code, message}.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Address } from "./generated/Address";
import type { Building } from "./generated/Building";
import type { CategoryView } from "./generated/CategoryView";
import type { ConsultationView } from "./generated/ConsultationView";
import type { CoreEvent } from "./generated/CoreEvent";
import type { ErrorView } from "./generated/ErrorView";
import type { HomeSummary } from "./generated/HomeSummary";
import type { JoinInfo } from "./generated/JoinInfo";
import type { Lang } from "./generated/Lang";
import type { ClosedView } from "./generated/ClosedView";
import type { NoticeView } from "./generated/NoticeView";
import type { PrivacyStatus } from "./generated/PrivacyStatus";
import type { ReportView } from "./generated/ReportView";
import type { ResidentMessage } from "./generated/ResidentMessage";
import type { Satisfaction } from "./generated/Satisfaction";
import type { SyncOutcome } from "./generated/SyncOutcome";
import type { SyncStatus } from "./generated/SyncStatus";
import type { TransparencyView } from "./generated/TransparencyView";
import type { PrincipalChoice } from "./generated/PrincipalChoice";
import type { ProxyActView } from "./generated/ProxyActView";
import type { ProxyGrantView } from "./generated/ProxyGrantView";
import type { ProxyInviteView } from "./generated/ProxyInviteView";
import type { ProxyScope } from "./generated/ProxyScope";
import { ui } from "./state.svelte";

export type AppInfo = {
  joined: boolean;
  language: Lang;
  default_hub_url: string;
  version: string;
  profile_dir: string;
};

/**
 * A `linli://join?hub=…&code=…` link from a printed slip, as the shell read it (src-tauri/src/join_link.rs):
 * Join's fields, or why the link was refused (`join-link-refused-<reason>`).
 */
export type LinkOffer =
  | { kind: "join"; hub: string; code: string }
  | { kind: "refused"; reason: "foreign" | "bad_hub" | "bad_code" };

/** Where the copy of the resident's data was saved. */
export type Exported = { path: string; bytes: number };

export type ReportForm = { category: string; text: string; address: Address; photos: string[] };

/** The message of a failed call, whatever shape the failure took. */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) return String((e as ErrorView).message);
  return String(e);
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  join: (hubUrl: string, code: string) => invoke<JoinInfo>("join", { hubUrl, code }),
  syncNow: () => invoke<SyncOutcome>("sync_now"),
  syncStatus: () => invoke<SyncStatus>("sync_status"),
  setLanguage: (language: Lang) => invoke<void>("set_language", { language }),
  getSetting: (key: string) => invoke<string | null>("get_setting", { key }),
  setSetting: (key: string, value: string) => invoke<void>("set_setting", { key, value }),
  signOut: () => invoke<void>("sign_out"),
  home: () => invoke<HomeSummary>("home"),
  categories: () => invoke<CategoryView[]>("categories", { actingFor: ui.actingFor }),
  addressBook: () => invoke<Building[]>("address_book"),
  messages: () => invoke<ResidentMessage[]>("messages"),
  dismissMessage: (id: number) => invoke<void>("dismiss_message", { id }),
  notices: () => invoke<NoticeView[]>("notices", { actingFor: ui.actingFor }),
  notice: (id: string) => invoke<NoticeView>("notice", { id, actingFor: ui.actingFor }),
  markNoticeRead: (id: string) => invoke<void>("mark_notice_read", { id }),
  attachmentDataUrl: (sha256: string, mime: string) =>
    invoke<string>("attachment_data_url", { sha256, mime }),
  photoDataUrl: (sha256: string, thumbnail: boolean) =>
    invoke<string>("photo_data_url", { sha256, thumbnail }),
  stagePhoto: (name: string, dataBase64: string) =>
    invoke<string>("stage_photo", { name, dataBase64 }),
  newReport: (form: ReportForm) => invoke<string>("new_report", { form, actingFor: ui.actingFor }),
  reports: () => invoke<ReportView[]>("reports", { actingFor: ui.actingFor }),
  report: (id: string) => invoke<ReportView>("report", { id, actingFor: ui.actingFor }),
  commentReport: (id: string, text: string) =>
    invoke<void>("comment_report", { id, text, actingFor: ui.actingFor }),
  withdrawReport: (id: string) => invoke<void>("withdraw_report", { id, actingFor: ui.actingFor }),
  rateReport: (id: string, satisfaction: Satisfaction, comment: string | null) =>
    invoke<void>("rate_report", { id, satisfaction, comment, actingFor: ui.actingFor }),
  reopenReport: (id: string, reason: string | null) =>
    invoke<void>("reopen_report", { id, reason, actingFor: ui.actingFor }),
  consultations: () => invoke<ConsultationView[]>("consultations", { actingFor: ui.actingFor }),
  consultation: (id: string) => invoke<ConsultationView>("consultation", { id, actingFor: ui.actingFor }),
  vote: (id: string, optionIds: string[]) => invoke<void>("vote", { id, optionIds, actingFor: ui.actingFor }),
  proxyInvite: (scopes: ProxyScope[], days: number | null) => invoke<ProxyInviteView>("proxy_invite", { scopes, days }),
  proxyAccept: (code: string, name: string | null) => invoke<ProxyGrantView>("proxy_accept", { code, name }),
  proxyRevoke: (id: string) => invoke<ProxyGrantView>("proxy_revoke", { id }),
  proxyGrants: () => invoke<ProxyGrantView[]>("proxy_grants"),
  actingForChoices: () => invoke<PrincipalChoice[]>("acting_for_choices"),
  proxyActivity: () => invoke<ProxyActView[]>("proxy_activity"),
  readAloudAvailable: () => invoke<boolean>("read_aloud_available"),
  readAloud: (kind: "notice" | "report" | "consultation", id: string) => invoke<void>("read_aloud", { kind, id }),
  transparency: () => invoke<TransparencyView>("transparency"),
  stopReading: () => invoke<void>("stop_reading"),
  privacyStatus: () => invoke<PrivacyStatus>("privacy_status"),
  acceptPrivacy: (version: number) => invoke<PrivacyStatus>("accept_privacy", { version }),
  exportMyData: () => invoke<Exported>("export_my_data"),
  closeAccount: () => invoke<ClosedView>("close_account"),
  takeJoinLink: () => invoke<LinkOffer | null>("take_join_link"),
  /** A link arrived while the app runs (a second start handed it over); take it with `takeJoinLink`. */
  onJoinLink: (handler: () => void): Promise<UnlistenFn> => listen("join-link", () => handler()),
  onCoreEvent: (handler: (e: CoreEvent) => void): Promise<UnlistenFn> =>
    listen<CoreEvent>("core-event", (event) => handler(event.payload)),
};
