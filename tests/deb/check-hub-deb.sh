#!/usr/bin/env bash
# Installs the hub's .deb on this machine and checks it as an operator would meet it:
#   - dpkg -i installs the binary, the systemd unit, /etc/linli/hub.toml (a conffile) and the linli-hub user;
#   - the unit's sandboxing scores "OK" or better in `systemd-analyze security`;
#   - the service starts and answers /healthz and /readyz, and SIGTERM stops it with exit 0. Where systemd is
#     not PID 1 (containers, CI), the unit's ExecStart= runs as its User= with its Environment= and UMask=,
#     all read from the installed unit file, against a throwaway state directory;
#   - `linli-hub check-config` accepts the installed /etc/linli/hub.toml, as root and as linli-hub;
#   - dpkg -r keeps the configuration, dpkg -P removes it, and no file of the package is left.
# Needs root. Refuses to run where linli-hub is already installed (it would remove it).
#
#   tests/deb/check-hub-deb.sh target/debian/linli-hub_0.1.0-1_amd64.deb
set -euo pipefail

DEB="${1:?usage: $0 PATH/TO/linli-hub.deb}"
PKG=linli-hub
started=$SECONDS

step() { printf '\n\033[1m-- %s\033[0m\n' "$*"; }
fail() { printf 'check-hub-deb: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (it installs and removes a package)"
[ -f "$DEB" ] || fail "no such file: $DEB"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed'; then
  fail "$PKG is already installed here; this test installs and purges it, so run it elsewhere"
fi

user_existed=0
getent passwd linli-hub >/dev/null && user_existed=1
work="$(mktemp -d)"
hub_pid=""
cleanup() {
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files'; then
    dpkg -P "$PKG" >/dev/null 2>&1 || true
  fi
  if [ "$user_existed" -eq 0 ] && getent passwd linli-hub >/dev/null; then
    deluser --system --quiet linli-hub >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "dpkg -i $(basename "$DEB")"
dpkg -i "$DEB"
dpkg-query -W -f='${Status}\n' "$PKG" | grep -q '^install ok installed$' || fail "dpkg does not list $PKG as installed"
dpkg -L "$PKG" > "$work/files"
unit="$(grep -E '/systemd/system/linli-hub\.service$' "$work/files" | head -1)"
[ -n "$unit" ] && [ -f "$unit" ] || fail "the package installs no linli-hub.service"
[ -x /usr/bin/linli-hub ] || fail "/usr/bin/linli-hub is missing"
[ -f /etc/linli/hub.toml ] || fail "/etc/linli/hub.toml is missing"
dpkg-query -W -f='${Conffiles}\n' "$PKG" | grep -q '/etc/linli/hub.toml' || fail "/etc/linli/hub.toml is not a conffile"
getent passwd linli-hub >/dev/null || fail "postinst did not create the linli-hub user"
[ "$(stat -c %U /var/lib/linli-hub)" = linli-hub ] || fail "/var/lib/linli-hub is not owned by linli-hub"
wants=/etc/systemd/system/multi-user.target.wants/linli-hub.service
[ -L "$wants" ] || fail "the service is not enabled (no $wants)"
echo "installed: $unit, /usr/bin/linli-hub, /etc/linli/hub.toml (conffile), user linli-hub"

# The unit's settings, as systemd would read them (the last assignment of a key wins; Environment= adds).
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -1; }
exec_start="$(unit_value ExecStart)"
exec_start="${exec_start#[-@:+!]}"  # systemd's prefixes (ignore failure, …) do not change what runs
run_as="$(unit_value User)"
run_group="$(unit_value Group)"
run_group="${run_group:-$run_as}"
umask_value="$(unit_value UMask)"
mapfile -t unit_env < <(sed -n 's/^Environment=//p' "$unit" | xargs -r -n1 printf '%s\n')
[ -n "$exec_start" ] || fail "the unit has no ExecStart="
[ -n "$run_as" ] || fail "the unit has no User="

if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze security"
  exposure="$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  [ -n "$exposure" ] || fail "systemd-analyze gave no exposure level"
  echo "exposure level $exposure (0 = fully sandboxed, 10 = not at all)"
  awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "exposure $exposure is above 2.0: the sandboxing regressed"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # URL
  for _ in $(seq 1 100); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
port="$(free_port)"

if [ -d /run/systemd/system ]; then
  step "systemctl start linli-hub (systemd is running; on a test port)"
  mkdir -p /run/systemd/system/linli-hub.service.d
  printf '[Service]\nEnvironment=LINLI_HUB_LISTEN=127.0.0.1:%s\n' "$port" \
    > /run/systemd/system/linli-hub.service.d/check-hub-deb.conf
  systemctl daemon-reload
  systemctl restart linli-hub
  wait_for "http://127.0.0.1:$port/healthz" || { journalctl -u linli-hub --no-pager | tail -20; fail "/healthz did not answer"; }
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || fail "/readyz did not answer 200"
  systemctl stop linli-hub
  [ "$(systemctl show -p ExecMainStatus --value linli-hub)" = 0 ] || fail "the service did not exit 0 on stop"
  rm -rf /run/systemd/system/linli-hub.service.d
  systemctl daemon-reload
else
  step "the unit's ExecStart as $run_as, without systemd (not PID 1 here)"
  state="$work/state"
  chmod 0755 "$work"  # so that $run_as reaches its state directory inside
  install -d -o "$run_as" -g "$run_group" -m 0700 "$state"
  echo "ExecStart=$exec_start"
  echo "Environment=${unit_env[*]} (+ LINLI_HUB_DATA_DIR=$state LINLI_HUB_LISTEN=127.0.0.1:$port for the test)"
  # setpriv changes user and execs, as systemd does: the hub is this very process, SIGTERM reaches it.
  # shellcheck disable=SC2086 # ExecStart is a command line: split into words as systemd does
  setpriv --reuid="$run_as" --regid="$run_group" --init-groups --no-new-privs \
    sh -c 'umask "$0"; exec "$@"' "${umask_value:-0022}" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "${unit_env[@]}" \
    LINLI_HUB_DATA_DIR="$state" LINLI_HUB_LISTEN="127.0.0.1:$port" $exec_start > "$work/hub.log" 2>&1 &
  hub_pid=$!
  wait_for "http://127.0.0.1:$port/healthz" || { cat "$work/hub.log"; fail "/healthz did not answer"; }
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || fail "/readyz did not answer 200"
  echo "/healthz and /readyz answer on 127.0.0.1:$port"
  [ "$(stat -c %U "$state/hub.db")" = "$run_as" ] || fail "hub.db is not owned by $run_as"
  [ "$(stat -c %a "$state/log-signing-key")" = 600 ] || fail "the log key is not mode 0600"
  [ -z "$umask_value" ] || [ "$(stat -c %a "$state/hub.db")" = 600 ] || fail "UMask=$umask_value: hub.db is not mode 0600"
  kill -TERM "$hub_pid"
  rc=0; wait "$hub_pid" || rc=$?
  hub_pid=""
  [ "$rc" -eq 0 ] || { cat "$work/hub.log"; fail "SIGTERM: the hub exited $rc, not 0"; }
  grep -q "$state" "$work/hub.log" || fail "the hub did not serve the throwaway state directory"
  echo "SIGTERM: exit 0"
fi

step "linli-hub check-config on the installed /etc/linli/hub.toml"
LC_ALL=en_US.UTF-8 linli-hub check-config --config /etc/linli/hub.toml > "$work/effective.toml"
grep -qx 'data_dir = "/var/lib/linli-hub"  # from /etc/linli/hub.toml' "$work/effective.toml" \
  || { cat "$work/effective.toml"; fail "check-config does not show the packaged data_dir"; }
# As the service's user, through the unit's environment, as `sudo -u linli-hub linli-hub admin …` runs.
runuser -u "$run_as" -- env "${unit_env[@]}" linli-hub check-config >/dev/null \
  || fail "check-config fails as $run_as"
echo "accepted, as root and as $run_as"

step "dpkg -r, then dpkg -P"
dpkg -r "$PKG"
[ ! -e /usr/bin/linli-hub ] || fail "/usr/bin/linli-hub is left after dpkg -r"
[ ! -e "$unit" ] || fail "$unit is left after dpkg -r"
[ -f /etc/linli/hub.toml ] || fail "dpkg -r removed the configuration (only purge should)"
dpkg -P "$PKG"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files' && fail "dpkg still knows $PKG"
while read -r f; do
  [ -d "$f" ] && continue  # shared directories (/usr/bin, …) stay
  [ ! -e "$f" ] || fail "$f is left after purge"
done < "$work/files"
for d in /etc/linli /usr/share/doc/linli-hub "$wants"; do
  [ ! -e "$d" ] || fail "$d is left after purge"
done
[ ! -e /var/lib/linli-hub ] || fail "the empty /var/lib/linli-hub is left after purge"
echo "removed: no file of the package is left; the configuration went with the purge"

echo
echo "check-hub-deb: all checks passed in $((SECONDS - started)) s"
