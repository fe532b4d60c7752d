#!/usr/bin/env bash
# bench/poll: netwatch vs prometheus-snmp-exporter 0.21 polling the same N loopback agents.
#
#   sudo bash bench/poll.sh [DEVICES=500] [ROUNDS=3] [CONCURRENCY=64]
#   sudo bash bench/poll.sh --agents sim --devices 200 [--rounds 3] [--concurrency 64] [--sim-ports own|shared]
#   NO_MEMORY=1 sudo bash bench/poll.sh ...   diagnosis: commit events only, never device memory
#
# --agents snmpd (default): Net-SNMP snmpd agents, 48 interfaces each (below).
# --agents sim: the agent fleet is `netwatch simulate --devices N` (its own process in the same
# namespace: sim-0001 … with seeds in rotation, community = device name). Both pollers poll the
# same simulated devices in the same run, and the simulator's CPU and RSS are printed per side.
# --sim-ports own (default): each device on its own UDP port (the simulator's per-device engine
# sockets, which answer v2c for their device too), as real devices each have their own address;
# --sim-ports shared: every device behind the one shared v2c port, told apart by community.
# snmp_exporter 0.21 takes the community from its module, so the generated snmp.yml has one module
# per simulated device (named after it, a YAML merge of netwatch_equivalent with its community).
#
# The netwatch side runs what `netwatch run` does per poll: collect, detect, journal, save state,
# metrics. Its store (SQLite, WAL, synchronous=FULL, commits grouped by the CommitQueue) lives in
# this run's temp dir, which must be on a real disk (TMPDIR; not tmpfs) for "disk bytes written per
# device poll" (/proc/self/io write_bytes) to count. Everything runs inside a private network namespace made here (loopback only): Net-SNMP snmpd
# serves each "device" on its own UDP port of 127.0.0.1, and the namespace holds 48 interfaces
# (23 veth pairs, a bridge and lo), so each device answers an ifXTable of 48 rows with real
# Counter64s. Needs root, iproute2, snmpd and prometheus-snmp-exporter
# (scripts/test-services.sh install), and a build (npm run build).
set -euo pipefail
AGENTS_KIND=snmpd SIM_PORTS=own POSITIONAL=() DEVICES_OPT='' ROUNDS_OPT='' CONCURRENCY_OPT=''
while [ $# -gt 0 ]; do
  case "$1" in
    --agents) AGENTS_KIND=${2:?--agents snmpd|sim}; shift 2 ;;
    --devices) DEVICES_OPT=${2:?}; shift 2 ;;
    --rounds) ROUNDS_OPT=${2:?}; shift 2 ;;
    --concurrency) CONCURRENCY_OPT=${2:?}; shift 2 ;;
    --sim-ports) SIM_PORTS=${2:?--sim-ports own|shared}; shift 2 ;;
    -*) echo "bench/poll.sh: unknown option $1" >&2; exit 2 ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
DEVICES=${DEVICES_OPT:-${POSITIONAL[0]:-500}}
ROUNDS=${ROUNDS_OPT:-${POSITIONAL[1]:-3}}
CONCURRENCY=${CONCURRENCY_OPT:-${POSITIONAL[2]:-64}}
case "$AGENTS_KIND" in snmpd | sim) ;; *) echo "bench/poll.sh: --agents is snmpd or sim" >&2; exit 2 ;; esac
case "$SIM_PORTS" in own | shared) ;; *) echo "bench/poll.sh: --sim-ports is own or shared" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=netwatch-bench-$$
RUN=$(mktemp -d "${TMPDIR:-/tmp}/netwatch-bench.XXXXXX")
PORTS_PER_AGENT=100 BASE_PORT=20000 EXPORTER_PORT=19117 SIM_PORT=16161
PIDS=()
SIM_ARGS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
[ -f "$ROOT/dist/bench/poll.js" ] || { echo "run npm run build first" >&2; exit 1; }

ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link set lo up
if [ "$AGENTS_KIND" = snmpd ]; then
for i in $(seq 1 23); do in_ns ip link add "v$i" type veth peer name "w$i"; in_ns ip link set "v$i" up; in_ns ip link set "w$i" up; done
in_ns ip link add br0 type bridge
fi
echo "namespace $NS: $(in_ns ip -o link | wc -l) interfaces"

# snmpd: one process per PORTS_PER_AGENT devices (one UDP port = one device). snmpd silently
# drops listening addresses past a config line of about 2.5 KB, so 25 ports per agentAddress line.
AGENTS=$(( (DEVICES + PORTS_PER_AGENT - 1) / PORTS_PER_AGENT ))
[ "$AGENTS_KIND" = sim ] && AGENTS=0
for a in $(seq 0 $((AGENTS - 1))); do
  first=$(( BASE_PORT + a * PORTS_PER_AGENT )); last=$(( first + PORTS_PER_AGENT - 1 ))
  [ $last -ge $(( BASE_PORT + DEVICES )) ] && last=$(( BASE_PORT + DEVICES - 1 ))
  mkdir -p "$RUN/snmpd$a"
  {
    seq $first $last | sed 's/^/udp:127.0.0.1:/' | paste -d, - - - - - - - - - - - - - - - - - - - - - - - - - |
      sed -e 's/,*$//' -e 's/^/agentAddress /'
    printf 'rocommunity bench 127.0.0.1\nsysName bench-agent-%s\n' "$a"
  } >"$RUN/snmpd$a/snmpd.conf"
  SNMP_PERSISTENT_DIR="$RUN/snmpd$a" ip netns exec "$NS" /usr/sbin/snmpd -f -C -Lf /dev/null -c "$RUN/snmpd$a/snmpd.conf" &
  PIDS+=($!)
done

# netwatch simulate: its own process in the namespace, stopped by PID (cleanup). With --snmp v3 it
# opens one engine socket per device, whose port --write-config records (and which answers v2c for
# its device); without, the devices.yaml it writes points every device at the shared v2c port.
if [ "$AGENTS_KIND" = sim ]; then
  [ "$SIM_PORTS" = own ] && SIM_ARGS=(--snmp v3)
  t0=$(date +%s.%N)
  ip netns exec "$NS" node "$ROOT/dist/src/cli.js" simulate --devices "$DEVICES" --port "$SIM_PORT" \
    --write-config "$RUN/sim.yaml" "${SIM_ARGS[@]}" >"$RUN/sim.out" 2>&1 &
  SIMULATOR=$!; PIDS+=($SIMULATOR)
  for _ in $(seq 1200); do grep -q '^serving' "$RUN/sim.out" && break; kill -0 "$SIMULATOR" 2>/dev/null || break; sleep 0.05; done
  grep -q '^serving' "$RUN/sim.out" || { cat "$RUN/sim.out" >&2; echo "the simulator did not start within 60 s" >&2; exit 1; }
  echo "simulator: PID $SIMULATOR, $(grep -o 'started in [0-9.]* s' "$RUN/sim.out") (spawn → serving: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s), RSS $(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SIMULATOR/status"), $(grep -c '^  *port:' "$RUN/sim.yaml") devices in its devices.yaml"
fi

# snmp_exporter with a module that reads what one netwatch poll reads (Debian ships no snmp.yml).
cat >"$RUN/snmp.yml" <<'YML'
netwatch_equivalent: &netwatch_equivalent
  version: 2
  max_repetitions: 25
  timeout: 2s
  retries: 1
  auth: {community: bench}
  get: [1.3.6.1.2.1.1.1.0, 1.3.6.1.2.1.1.2.0, 1.3.6.1.2.1.1.3.0, 1.3.6.1.2.1.1.5.0, 1.3.6.1.6.3.10.2.1.2.0,
        1.3.6.1.6.3.10.2.1.3.0, 1.3.6.1.4.1.2636.3.4.2.3.1.0, 1.3.6.1.4.1.2636.3.4.2.2.1.0]
  walk: [1.3.6.1.2.1.2.2.1.2, 1.3.6.1.2.1.2.2.1.7, 1.3.6.1.2.1.2.2.1.8, 1.3.6.1.2.1.31.1.1.1.1,
         1.3.6.1.2.1.31.1.1.1.6, 1.3.6.1.2.1.31.1.1.1.10, 1.3.6.1.2.1.31.1.1.1.15, 1.3.6.1.2.1.31.1.1.1.18,
         1.3.6.1.2.1.31.1.1.1.19, 1.3.6.1.4.1.2636.3.40.1.4.1.1.1, 1.3.6.1.4.1.2636.3.40.1.4.1.2.1.4,
         1.3.6.1.4.1.2636.3.1.14.1, 1.3.6.1.4.1.2636.3.18.1.7.1]
  metrics:
  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}
  - {name: snmpEngineTime, oid: 1.3.6.1.6.3.10.2.1.3, type: gauge}
  - name: ifOperStatus
    oid: 1.3.6.1.2.1.2.2.1.8
    type: gauge
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
  - name: ifAdminStatus
    oid: 1.3.6.1.2.1.2.2.1.7
    type: gauge
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
  - name: ifHCInOctets
    oid: 1.3.6.1.2.1.31.1.1.1.6
    type: counter
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
  - name: ifHCOutOctets
    oid: 1.3.6.1.2.1.31.1.1.1.10
    type: counter
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
  - name: ifHighSpeed
    oid: 1.3.6.1.2.1.31.1.1.1.15
    type: gauge
    indexes: [{labelname: ifIndex, type: gauge}]
  - name: ifAlias
    oid: 1.3.6.1.2.1.31.1.1.1.18
    type: DisplayString
    indexes: [{labelname: ifIndex, type: gauge}]
  - name: jnxVirtualChassisMemberRole
    oid: 1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3
    type: gauge
    indexes: [{labelname: member, type: gauge}]
  - name: jnxRedundancySwitchoverCount
    oid: 1.3.6.1.4.1.2636.3.1.14.1.8
    type: counter
    indexes: [{labelname: contents, type: gauge}, {labelname: l1, type: gauge}, {labelname: l2, type: gauge}, {labelname: l3, type: gauge}]
YML
# snmp_exporter 0.21 has no per-target auth: one module per simulated device, with its community.
if [ "$AGENTS_KIND" = sim ]; then
  width=$(( ${#DEVICES} > 4 ? ${#DEVICES} : 4 ))
  for i in $(seq 1 "$DEVICES"); do
    printf 'sim-%0*d: {<<: *netwatch_equivalent, auth: {community: sim-%0*d}}\n' "$width" "$i" "$width" "$i"
  done >>"$RUN/snmp.yml"
fi
/usr/bin/prometheus-snmp-exporter --config.file="$RUN/snmp.yml" --dry-run >/dev/null 2>&1 || {
  /usr/bin/prometheus-snmp-exporter --config.file="$RUN/snmp.yml" --dry-run; exit 1; }
if [ "$AGENTS_KIND" = snmpd ]; then
listening=$(in_ns ss -Hlnu | wc -l)
[ "$listening" -ge "$DEVICES" ] || sleep 1
echo "agents: $AGENTS snmpd processes, $(in_ns ss -Hlnu | wc -l) UDP ports listening"
else
echo "agents: netwatch simulate, $(in_ns ss -Hlnu | wc -l) UDP ports listening ($SIM_PORTS ports)"
fi
ip netns exec "$NS" /usr/bin/prometheus-snmp-exporter --config.file="$RUN/snmp.yml" \
  --web.listen-address="127.0.0.1:$EXPORTER_PORT" --log.level=error &
EXPORTER=$!; PIDS+=($EXPORTER)

in_ns bash -c "for i in \$(seq 400); do curl -sf http://127.0.0.1:$EXPORTER_PORT/metrics >/dev/null && exit 0; sleep 0.05; done; exit 1" ||
  { echo "snmp_exporter did not answer on 127.0.0.1:$EXPORTER_PORT within 20 s" >&2; exit 1; }
echo "snmp_exporter: PID $EXPORTER, $(grep -c '^[a-z]' "$RUN/snmp.yml") modules, RSS $(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$EXPORTER/status") before the first scrape"
SIM_POLL_ARGS=()
[ "$AGENTS_KIND" = sim ] && SIM_POLL_ARGS=(--agents sim --sim-config "$RUN/sim.yaml" --agent-pid "$SIMULATOR")
in_ns node --expose-gc ${NODE_PROF:-} "$ROOT/dist/bench/poll.js" --devices "$DEVICES" --rounds "$ROUNDS" --concurrency "$CONCURRENCY" \
  --base-port "$BASE_PORT" --exporter "127.0.0.1:$EXPORTER_PORT" --exporter-pid "$EXPORTER" \
  --storage-dir "$RUN" ${NO_MEMORY:+--no-memory} "${SIM_POLL_ARGS[@]}"
