#!/usr/bin/env bash
# A one-node Slurm (Debian's slurm-wlm 22.05 and munge, no systemd, no
# cgroups, no accounting database) for the sweep's tests and for a laptop:
#   scripts/slurm.sh start    install if needed, start munged, slurmctld, slurmd; wait for an idle node
#   scripts/slurm.sh stop     cancel every job, wait for an empty queue, stop the daemons it started
#   scripts/slurm.sh status   the node's state and the queue
#   scripts/slurm.sh env      the line to eval so that sbatch/squeue find this cluster (SLURM_CONF)
# Runs as root (the daemons drop to the slurm and munge users). Its config,
# state, spool and logs live in a private folder, HEPML_SLURM_HOME
# (default /var/lib/hepml-slurm): owned by root, writable by nobody else;
# the state and spool folders belong to the slurm user. The client commands
# find the config through SLURM_CONF (`eval "$(scripts/slurm.sh env)"`).
# What it takes is in docs/sweep.md ("A one-node Slurm").
set -euo pipefail
HOME_DIR="${HEPML_SLURM_HOME:-/var/lib/hepml-slurm}"
CONF="$HOME_DIR/slurm.conf"
export SLURM_CONF="$CONF"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { echo "slurm.sh: $*" >&2; }

install_packages() {
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    log "apt-get install --no-install-recommends slurmctld slurmd slurm-client munge"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  fi
}

# The pid in a pidfile, if that process is alive and not a zombie.
alive() {
  local file="$1" pid state
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/stat" ] || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [ "$state" != "Z" ] || return 1
  echo "$pid"
}

write_config() {
  local host cpus mem
  host="$(hostname -s)"
  cpus="$(nproc)"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
  $SUDO install -d -m 0755 -o root -g root "$HOME_DIR" "$HOME_DIR/run" "$HOME_DIR/log"
  $SUDO install -d -m 0700 -o slurm -g slurm "$HOME_DIR/state" "$HOME_DIR/spool"
  $SUDO chown slurm:slurm "$HOME_DIR/log" "$HOME_DIR/run"
  $SUDO chmod 0755 "$HOME_DIR/log" "$HOME_DIR/run"
  $SUDO tee "$CONF" >/dev/null <<CONF
# Written by hepml-compile scripts/slurm.sh: a one-node cluster on this machine.
ClusterName=hepml
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$HOME_DIR/state
SlurmdSpoolDir=$HOME_DIR/spool
SlurmctldPidFile=$HOME_DIR/run/slurmctld.pid
SlurmdPidFile=$HOME_DIR/run/slurmd.pid
SlurmctldLogFile=$HOME_DIR/log/slurmctld.log
SlurmdLogFile=$HOME_DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$HOME_DIR/log/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
ReturnToService=2
MinJobAge=300
DefMemPerCPU=1000
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  $SUDO chmod 0644 "$CONF"
}

start() {
  install_packages
  write_config
  # munged keeps its pidfile in /run/munge; one this script started is marked so that stop ends only that one.
  if ! alive /run/munge/munged.pid >/dev/null; then
    $SUDO install -d -m 0755 -o munge -g munge /run/munge
    $SUDO runuser -u munge -- /usr/sbin/munged
    $SUDO touch "$HOME_DIR/run/munged.ours"
  fi
  if ! alive "$HOME_DIR/run/slurmctld.pid" >/dev/null; then
    $SUDO env SLURM_CONF="$CONF" /usr/sbin/slurmctld
  fi
  if ! alive "$HOME_DIR/run/slurmd.pid" >/dev/null; then
    $SUDO env SLURM_CONF="$CONF" /usr/sbin/slurmd
  fi
  local state=""
  for _ in $(seq 1 100); do
    state="$(sinfo -h -o %t 2>/dev/null | head -1 || true)"
    case "$state" in idle|mix|alloc) break ;; esac
    sleep 0.3
  done
  case "$state" in
    idle|mix|alloc) log "node $(hostname -s) is $state (SLURM_CONF=$CONF)" ;;
    *) log "the node did not come up (state '${state}'); logs in $HOME_DIR/log"; exit 1 ;;
  esac
}

stop_pid() {
  local file="$1" pid
  pid="$(alive "$file")" || { $SUDO rm -f "$file"; return 0; }
  $SUDO kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$file" >/dev/null || break; sleep 0.1; done
  if alive "$file" >/dev/null; then $SUDO kill -9 "$pid" 2>/dev/null || true; fi
  $SUDO rm -f "$file"
}

stop() {
  if [ -f "$CONF" ] && alive "$HOME_DIR/run/slurmctld.pid" >/dev/null; then
    # Cancel first and wait for an empty queue: a killed slurmd leaves
    # slurmstepd processes that ignore SIGTERM.
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for u in $(squeue -h -o %u 2>/dev/null | sort -u); do scancel --quiet --user="$u" 2>/dev/null || true; done
    for _ in $(seq 1 100); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pid "$HOME_DIR/run/slurmd.pid"
  stop_pid "$HOME_DIR/run/slurmctld.pid"
  if [ -f "$HOME_DIR/run/munged.ours" ]; then
    stop_pid /run/munge/munged.pid
    $SUDO rm -f "$HOME_DIR/run/munged.ours"
  fi
  log "stopped"
}

status() {
  if alive "$HOME_DIR/run/slurmctld.pid" >/dev/null; then
    sinfo
    squeue
  else
    echo "slurm.sh: not running"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF='$CONF'" ;;
  *) echo "usage: scripts/slurm.sh start|stop|status|env" >&2; exit 2 ;;
esac
