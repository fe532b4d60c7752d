#!/usr/bin/env bash
# Real services for netwatch's tests, each on a fixed high port on 127.0.0.1, in a fresh
# temporary directory, stopped by PID. Recipe and gotchas: docs/real-services.md.
#
#   scripts/test-services.sh install        install missing Debian packages (root)
#   scripts/test-services.sh start          start everything; prints RUN=<dir>; endpoints in <dir>/services.json
#   scripts/test-services.sh stop <dir>     stop what start started, by PID
#   scripts/test-services.sh restart-snmpsim <dir>   restart snmpsimd (tests of agent restarts)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export MIBS= # Debian ships no IETF MIBs: numeric OIDs everywhere

PACKAGES=(snmpd snmptrapd snmp snmpsim netconfd netconfd-module-ietf-interfaces netconfd-module-ietf-system
  openssh-server openssh-client influxdb prometheus prometheus-alertmanager prometheus-snmp-exporter)
COMMANDS=(/usr/sbin/snmpd /usr/sbin/snmptrapd /usr/bin/snmpget /usr/bin/snmpsimd /usr/sbin/netconfd /usr/sbin/sshd
  /usr/bin/influxd /usr/bin/prometheus /usr/bin/promtool /usr/bin/prometheus-alertmanager /usr/bin/prometheus-snmp-exporter)

# Fixed ports (SPEC'd in test/setup/services.ts too): far from the defaults so a stray system
# instance never collides.
SNMPD_PORT=16100 SNMPSIM_PORT=16101 SNMPTRAPD_PORT=16162 NETCONF_PORT=18300 INFLUX_PORT=18086 INFLUX_RPC_PORT=18088
PROM_PORT=19090 AM_PORT=19093 SNMP_EXPORTER_PORT=19116 NETWATCH_PORT=19877 WEBHOOK_PORT=19102
TRAP_V3_ENGINE=8000000001020304 # engine ID (hex) a v3 trap sender must use towards snmptrapd

log() { printf 'test-services: %s\n' "$*" >&2; }

install() {
  local missing=()
  for c in "${COMMANDS[@]}"; do [ -x "$c" ] || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then log "missing ${missing[*]}; run as root: apt-get install ${PACKAGES[*]}"; exit 1; fi
  log "installing ${PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

# --- helpers (docs/real-services.md §0) -------------------------------------------------------
bg() { # bg NAME CMD... : one simple command, so $! is the daemon's own PID
  local n=$1; shift; "$@" >"$RUN/$n.out" 2>&1 & echo $! >"$RUN/$n.pid"; }
until_ok() { # until_ok TRIES CMD... : every 50 ms
  local t=$1; shift; for _ in $(seq "$t"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  log "not ready: $*"; return 1; }
alive() { grep -qs '^State:.[^Z]' "/proc/$1/status"; } # gone or zombie: not alive
port_free() { ! (ss -Hlnu; ss -Hlnt) | awk '{print $4}' | grep -qx "127.0.0.1:$1"; }
need_free() { for p in "$@"; do port_free "$p" || { log "port 127.0.0.1:$p is in use (a stray test run? stop it by its PID)"; exit 1; }; done; }

start_snmpd() {
  mkdir -p "$RUN/snmpd/persist"
  cat >"$RUN/snmpd/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:$SNMPD_PORT
rocommunity  testcomm 127.0.0.1
createUser   testv3user SHA "authpass123" AES "privpass123"
rouser       testv3user priv
sysName      snmpd-test
CONF
  SNMP_PERSISTENT_DIR="$RUN/snmpd/persist" bg snmpd /usr/sbin/snmpd -f -C -c "$RUN/snmpd/snmpd.conf" -Lf "$RUN/snmpd/snmpd.log"
}

start_snmptrapd() {
  mkdir -p "$RUN/snmptrapd"
  # v3: a trap's sender is the authoritative engine, so the user is bound to the sender's engine ID
  cat >"$RUN/snmptrapd/snmptrapd.conf" <<CONF
snmpTrapdAddr udp:127.0.0.1:$SNMPTRAPD_PORT
authCommunity log trapcomm
createUser -e 0x$TRAP_V3_ENGINE trapv3user SHA "authpass123" AES "privpass123"
authUser log trapv3user priv
CONF
  SNMP_PERSISTENT_DIR="$RUN/snmptrapd" bg snmptrapd /usr/sbin/snmptrapd -f -On -C -c "$RUN/snmptrapd/snmptrapd.conf" \
    -Lf "$RUN/snmptrapd/traps.log"
}

start_snmpsim() {
  # community = file name; data readable by nobody, cache writable by nobody (snmpsimd drops root)
  mkdir -p "$RUN/snmpsim/data" "$RUN/snmpsim/cache"
  cp "$ROOT"/test/fixtures/snmprec/*.snmprec "$RUN/snmpsim/data/"
  # Mutable copies for tests that rewrite a device between polls (new files need a restart, so
  # they exist from the start): lab1..lab4 are the 8-member EX4300-48MP VC.
  for n in 1 2 3 4; do cp "$ROOT/test/fixtures/snmprec/junos_ex4600mp.snmprec" "$RUN/snmpsim/data/lab$n.snmprec"; done
  chmod 755 "$RUN" "$RUN/snmpsim" "$RUN/snmpsim/data"; chmod 777 "$RUN/snmpsim/data" "$RUN/snmpsim/cache"
  chmod 666 "$RUN/snmpsim/data/"*.snmprec
  launch_snmpsim
}

launch_snmpsim() {
  bg snmpsim snmpsimd --process-user=nobody --process-group=nogroup --data-dir="$RUN/snmpsim/data" \
    --cache-dir="$RUN/snmpsim/cache" --agent-udpv4-endpoint="127.0.0.1:$SNMPSIM_PORT" --logging-method=null \
    --v3-user=testv3user --v3-auth-key=authpass123 --v3-auth-proto=SHA --v3-priv-key=privpass123 --v3-priv-proto=AES
}

restart_snmpsim() { # an agent restart, as a test scenario: same data, same port, new process
  stop_one snmpsim
  launch_snmpsim
  until_ok 300 snmpget -v2c -c junos -t 0.3 -r 0 "127.0.0.1:$SNMPSIM_PORT" 1.3.6.1.2.1.1.5.0
}

start_netconf() {
  id nctest >/dev/null 2>&1 || useradd -m -s /bin/sh nctest # sshd runs the subsystem through its shell
  echo 'nctest:nctest-pass-1' | chpasswd
  mkdir -p /run/sshd && chmod 755 /run/sshd
  local N="$RUN/netconf"; mkdir -p "$N/bin"; chmod 755 "$RUN" "$N"
  ssh-keygen -q -t ed25519 -N '' -f "$N/hostkey"; ssh-keygen -q -t ed25519 -N '' -f "$N/client"
  cp "$N/client.pub" "$N/authorized_keys"; chmod 644 "$N/authorized_keys"
  # ietf-interfaces popen()s this helper (Debian does not ship it) and asserts without it.
  cat >"$N/bin/get-interface-ipv4" <<'SH'
#!/bin/sh
ip=$(ip -4 -o addr show dev "$1" 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}')
[ -n "$ip" ] && printf '<ipv4 xmlns="urn:ietf:params:xml:ns:yang:ietf-ip"><address><ip>%s</ip></address></ipv4>\n' "$ip"
exit 0
SH
  chmod 755 "$N/bin/get-interface-ipv4"
  cat >"$N/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $NETCONF_PORT
HostKey $N/hostkey
PidFile $N/sshd.pid
AuthorizedKeysFile $N/authorized_keys
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers nctest
UseDNS no
Subsystem netconf "/usr/sbin/netconf-subsystem --ncxserver-sockname=$NETCONF_PORT@$N/ncxserver.sock"
CONF
  rm -f "$N/ncxserver.sock"
  # --port must list the sshd port, or netconfd refuses the session (agt_connect access denied)
  PATH="$N/bin:$PATH" bg netconfd /usr/sbin/netconfd --ncxserver-sockname="$N/ncxserver.sock" --port="$NETCONF_PORT" \
    --module=ietf-interfaces --module=ietf-system --no-startup --superuser=nctest --log="$N/netconfd.log" --log-level=info
  until_ok 200 test -S "$N/ncxserver.sock"
  bg sshd /usr/sbin/sshd -D -e -f "$N/sshd_config"
}

start_influx() {
  local I="$RUN/influx"; mkdir -p "$I"
  cat >"$I/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"
[meta]
  dir = "$I/meta"
[data]
  dir = "$I/data"
  wal-dir = "$I/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
[monitor]
  store-enabled = false
[logging]
  level = "warn"
CONF
  bg influxd /usr/bin/influxd run -config "$I/influxdb.conf"
}

start_prometheus() {
  local P="$RUN/prom"; mkdir -p "$P/am" "$P/data"
  cat >"$P/alertmanager.yml" <<CONF
route: {receiver: hook, group_by: [alertname, device], group_wait: 0s, group_interval: 1s, repeat_interval: 1h}
receivers:
- name: hook
  webhook_configs: [{url: 'http://127.0.0.1:$WEBHOOK_PORT/alert', send_resolved: true}]
CONF
  cat >"$P/prometheus.yml" <<CONF
global: {scrape_interval: 1s, evaluation_interval: 1s}
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}]
scrape_configs:
- job_name: netwatch
  static_configs: [{targets: ['127.0.0.1:$NETWATCH_PORT']}]
CONF
  /usr/bin/promtool check config "$P/prometheus.yml" >/dev/null
  bg alertmanager /usr/bin/prometheus-alertmanager --config.file="$P/alertmanager.yml" --storage.path="$P/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address=
  bg prometheus /usr/bin/prometheus --config.file="$P/prometheus.yml" --storage.tsdb.path="$P/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn
}

start_snmp_exporter() {
  # Debian ships no usable snmp.yml: one hand-written 0.21 module per community (bench/ adds its own).
  local P="$RUN/prom"; mkdir -p "$P"
  cat >"$P/snmp.yml" <<CONF
if_mib:
  version: 2
  auth: {community: testcomm}
  walk: [1.3.6.1.2.1.2.2.1.8, 1.3.6.1.2.1.31.1.1.1.1, 1.3.6.1.2.1.31.1.1.1.6, 1.3.6.1.2.1.31.1.1.1.10]
  get: [1.3.6.1.2.1.1.3.0]
  metrics:
  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}
  - name: ifHCInOctets
    oid: 1.3.6.1.2.1.31.1.1.1.6
    type: counter
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
CONF
  /usr/bin/prometheus-snmp-exporter --config.file="$P/snmp.yml" --dry-run >/dev/null 2>&1
  bg snmp_exporter /usr/bin/prometheus-snmp-exporter --config.file="$P/snmp.yml" \
    --web.listen-address="127.0.0.1:$SNMP_EXPORTER_PORT"
}

wait_ready() {
  until_ok 200 snmpget -v2c -c testcomm -t 0.2 -r 0 "127.0.0.1:$SNMPD_PORT" 1.3.6.1.2.1.1.3.0
  until_ok 200 sh -c "ss -Hlnu | awk '{print \$4}' | grep -qx 127.0.0.1:$SNMPTRAPD_PORT"
  until_ok 300 snmpget -v2c -c junos -t 0.3 -r 0 "127.0.0.1:$SNMPSIM_PORT" 1.3.6.1.2.1.1.5.0
  until_ok 200 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NETCONF_PORT"
  until_ok 300 curl -sf "http://127.0.0.1:$INFLUX_PORT/ping"
  until_ok 300 curl -sf "http://127.0.0.1:$AM_PORT/-/ready"
  until_ok 300 curl -sf "http://127.0.0.1:$PROM_PORT/-/ready"
  until_ok 200 curl -sf "http://127.0.0.1:$SNMP_EXPORTER_PORT/metrics"
}

start() {
  install
  need_free "$SNMPD_PORT" "$SNMPSIM_PORT" "$SNMPTRAPD_PORT" "$NETCONF_PORT" "$INFLUX_PORT" "$INFLUX_RPC_PORT" \
    "$PROM_PORT" "$AM_PORT" "$SNMP_EXPORTER_PORT"
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/netwatch-it.XXXXXX"); export RUN
  local t0; t0=$(date +%s%N)
  start_snmpd; start_snmptrapd; start_snmpsim; start_netconf; start_influx; start_prometheus; start_snmp_exporter
  if ! wait_ready; then
    for f in "$RUN"/*.out; do log "--- $f"; tail -5 "$f" >&2 || true; done
    stop_all; exit 1
  fi
  cat >"$RUN/services.json" <<JSON
{
  "run": "$RUN",
  "snmpd": { "host": "127.0.0.1", "port": $SNMPD_PORT, "community": "testcomm",
             "v3": { "user": "testv3user", "auth": "authpass123", "priv": "privpass123" } },
  "snmptrapd": { "host": "127.0.0.1", "port": $SNMPTRAPD_PORT, "community": "trapcomm", "log": "$RUN/snmptrapd/traps.log",
                 "v3": { "user": "trapv3user", "engineId": "$TRAP_V3_ENGINE", "auth": "authpass123", "priv": "privpass123" } },
  "snmpsim": { "host": "127.0.0.1", "port": $SNMPSIM_PORT, "dataDir": "$RUN/snmpsim/data" },
  "netconf": { "host": "127.0.0.1", "port": $NETCONF_PORT, "user": "nctest", "password": "nctest-pass-1",
               "privateKey": "$RUN/netconf/client" },
  "influx": { "url": "http://127.0.0.1:$INFLUX_PORT" },
  "prometheus": { "url": "http://127.0.0.1:$PROM_PORT", "scrapeTarget": "127.0.0.1:$NETWATCH_PORT" },
  "alertmanager": { "url": "http://127.0.0.1:$AM_PORT", "webhook": "127.0.0.1:$WEBHOOK_PORT" },
  "snmpExporter": { "url": "http://127.0.0.1:$SNMP_EXPORTER_PORT" }
}
JSON
  log "all services ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "RUN=$RUN"
}

stop_one() { # SIGTERM by PID, up to 5 s, then SIGKILL
  local p; p=$(cat "$RUN/$1.pid" 2>/dev/null) || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 100); do alive "$p" || break; sleep 0.05; done
  alive "$p" && kill -9 "$p" 2>/dev/null; rm -f "$RUN/$1.pid"
}

stop_all() {
  for n in snmp_exporter prometheus alertmanager influxd sshd netconfd snmpsim snmptrapd snmpd; do stop_one "$n"; done
  rm -f "$RUN/netconf/ncxserver.sock"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop)
    RUN=${2:?usage: test-services.sh stop RUN_DIR}
    [ -f "$RUN/services.json" ] || [ -d "$RUN" ] || { log "no run at $RUN"; exit 1; }
    stop_all
    [ -n "${KEEP_RUN:-}" ] || rm -rf "$RUN"
    ;;
  restart-snmpsim)
    RUN=${2:?usage: test-services.sh restart-snmpsim RUN_DIR}
    restart_snmpsim
    ;;
  *) echo "usage: $0 install | start | stop RUN_DIR | restart-snmpsim RUN_DIR" >&2; exit 2 ;;
esac
