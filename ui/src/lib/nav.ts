// The app's main sections and how they are reached. On a desktop-wide window every section has its own entry
// in the bar at the top; at phone widths the bar sits at the bottom with at most five tabs, and "我的" (me)
// holds the rest (my reports, relatives, settings). Care mode keeps its three big choices, as big buttons at the
// top at every width (its large labels don't fit three across a phone's bottom bar).

export type NavItem = {
  /** The route the entry opens. */
  name: string;
  /** Its data-testid. */
  id: string;
  /** The Fluent id of its label at desktop width. */
  label: string;
  /** The Fluent id of its shorter label on a phone's tab bar (the same as `label` when none). */
  short: string;
  /** Where the entry shows: both widths, only desktop (on a phone it lives in "我的"), or only phone. */
  shows: "both" | "desktop" | "phone";
  icon: TabIcon;
};

export type TabIcon = "home" | "notices" | "report" | "reports" | "consultations" | "proxies" | "settings" | "me";

/** The most tabs a phone's bottom bar may hold. */
export const MAX_TABS = 5;

export const standardNav: NavItem[] = [
  { name: "home", id: "nav-home", label: "nav-home", short: "nav-home", shows: "both", icon: "home" },
  { name: "notices", id: "nav-notices", label: "nav-notices", short: "tab-notices", shows: "both", icon: "notices" },
  { name: "report", id: "nav-report", label: "nav-report", short: "nav-report", shows: "both", icon: "report" },
  { name: "reports", id: "nav-reports", label: "nav-reports", short: "nav-reports", shows: "desktop", icon: "reports" },
  { name: "consultations", id: "nav-consultations", label: "nav-consultations", short: "tab-consultations", shows: "both", icon: "consultations" },
  { name: "proxies", id: "nav-proxies", label: "nav-proxies", short: "nav-proxies", shows: "desktop", icon: "proxies" },
  { name: "settings", id: "nav-settings", label: "nav-settings", short: "nav-settings", shows: "desktop", icon: "settings" },
  { name: "me", id: "nav-me", label: "nav-me", short: "nav-me", shows: "phone", icon: "me" },
];

/** Care mode: fewer choices. Home carries the four big actions; the bar keeps the way home, the resident's own
 * reports and settings, all three at every width. */
export const careNav: NavItem[] = [
  { name: "home", id: "nav-home", label: "nav-home", short: "nav-home", shows: "both", icon: "home" },
  { name: "reports", id: "nav-reports", label: "care-nav-reports", short: "care-nav-reports", shows: "both", icon: "reports" },
  { name: "settings", id: "nav-settings", label: "nav-settings", short: "nav-settings", shows: "both", icon: "settings" },
];

/** What "我的" holds on a phone, in order: the standard entries that are not tabs there. */
export const meEntries = (): NavItem[] => standardNav.filter((i) => i.shows === "desktop");

/** The section a screen belongs to: a notice's detail is under Notices, a report's under my reports. */
export function section(route: string): string {
  return ({ notice: "notices", "report-detail": "reports", consultation: "consultations" } as Record<string, string>)[route] ?? route;
}

/** Whether `item` is the current entry for `route` ("我的" is current for everything it holds). */
export function isCurrent(item: NavItem, route: string): boolean {
  const s = section(route);
  if (item.name === "me") return s === "me" || meEntries().some((e) => e.name === s);
  return item.name === s;
}

/** The entries a phone's bottom bar shows. */
export const phoneTabs = (nav: NavItem[]): NavItem[] => nav.filter((i) => i.shows !== "desktop");
