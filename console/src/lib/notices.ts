// The staff API's notices, door-knock list (敲门名单) and consultations, as the console speaks them.
import { call } from "./api";

export type Urgency = "normal" | "important" | "urgent";
export type KnockOutcome = "phoned" | "visited" | "not_reached";

export interface BuildingReads {
  building: string;
  residents: number;
  read: number;
  read_by_relative: number;
}

export interface StaffNotice {
  id: string;
  title: string;
  body: string;
  urgency: Urgency;
  pinned: boolean;
  published_at: string;
  expires_at: string | null;
  retracted_at: string | null;
  buildings: string[];
  read_count: number;
  audience_count: number;
  street: boolean;
  published_by: string | null;
  reads: BuildingReads[];
}

export interface NoticeDesk {
  buildings: string[];
  notices: StaffNotice[];
}

export interface NoticeDraft {
  title: string;
  body: string;
  urgency: Urgency;
  pinned: boolean;
  expires_at: string | null;
  buildings: string[];
  street_wide: boolean;
}

export interface DoorKnock {
  id: string;
  outcome: KnockOutcome;
  note: string;
  staff_name: string;
  at: string;
}

export interface KnockEntry {
  household_id: string;
  building: string;
  unit: string;
  room: string;
  care: boolean;
  active_devices: number;
  residents: number;
  knocks: DoorKnock[];
}

export interface KnockList {
  notice_id: string;
  hours: number;
  due_at: string;
  households: KnockEntry[];
}

const enc = encodeURIComponent;

export const desk = () => call<NoticeDesk>("GET", "/v1/staff/notices");
export const publish = (d: NoticeDraft) => call<{ ids: string[] }>("POST", "/v1/staff/notices", d);
export const retract = (id: string) => call<void>("POST", `/v1/staff/notices/${enc(id)}/retract`);
export const doorKnock = (id: string, hours: number) =>
  call<KnockList>("GET", `/v1/staff/notices/${enc(id)}/door-knock?hours=${hours}`);
export const recordKnock = (id: string, household: string, outcome: KnockOutcome, note: string) =>
  call<DoorKnock>("POST", `/v1/staff/notices/${enc(id)}/door-knock`, { household_id: household, outcome, note });
export const setCare = (household: string, care: boolean) =>
  call<void>("PUT", `/v1/staff/care-households/${enc(household)}`, { care });

export type VoteScope = "per_resident" | "per_household";
export type ResultsVisibility = "live" | "after_close";

export interface StaffConsultation {
  id: string;
  title: string;
  description: string;
  max_choices: number;
  opens_at: string;
  closes_at: string;
  closed_at: string | null;
  vote_scope: VoteScope;
  results_visibility: ResultsVisibility;
  buildings: string[];
  options: { id: string; label: string; votes: number }[];
  total_votes: number;
  turnout: {
    buildings: { building: string; eligible: number; voted: number }[];
    ballots: number;
    by_relatives: number;
  };
}

export interface ConsultationDraft {
  title: string;
  description: string;
  options: string[];
  max_choices: number;
  opens_at: string;
  closes_at: string;
  vote_scope: VoteScope;
  results_visibility: ResultsVisibility;
  buildings: string[];
}

export const consultations = () => call<StaffConsultation[]>("GET", "/v1/staff/consultations");
export const createConsultation = (d: ConsultationDraft) =>
  call<StaffConsultation>("POST", "/v1/staff/consultations", d);
export const closeConsultation = (id: string) =>
  call<StaffConsultation>("POST", `/v1/staff/consultations/${enc(id)}/close`);
export const openings = () => call<unknown[]>("GET", "/v1/staff/consultations/openings");
