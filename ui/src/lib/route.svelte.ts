// Hash routing: #/notices, #/notice/<id>, #/reports/<id> … so Back in the web view and links just work.
export type Route = { name: string; id: string };

function parse(hash: string): Route {
  const [name, id] = hash.replace(/^#\/?/, "").split("/");
  const known = ["home", "notices", "notice", "report", "reports", "report-detail", "consultations", "consultation", "settings", "proxies", "me"];
  return { name: known.includes(name) ? name : "home", id: id ?? "" };
}

export const route = $state<Route>(parse(typeof location === "undefined" ? "" : location.hash));

export function navigate(name: string, id = "") {
  const hash = "#/" + name + (id ? "/" + id : "");
  if (location.hash !== hash) history.pushState(null, "", hash);
  route.name = name;
  route.id = id;
  window.scrollTo(0, 0);
  document.getElementById("main")?.focus({ preventScroll: true });
}

if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => Object.assign(route, parse(location.hash)));
}
