#!/usr/bin/env bash
# Stop the single-node SLURM test cluster started by tests/slurm/setup_cluster.sh.
#   bash tests/slurm/teardown_cluster.sh           # stop slurmd, slurmctld, munged
#   bash tests/slurm/teardown_cluster.sh --purge   # also wipe job/state spool dirs
# Only the daemons recorded in the pid files are signalled.  Packages and
# /etc/slurm/slurm.conf are kept, so a later setup_cluster.sh run is quick.
set -uo pipefail

[ "$(id -u)" -eq 0 ] || { echo "teardown_cluster: ERROR: must run as root" >&2; exit 1; }

stop() {  # pidfile comm
    local f="$1" comm="$2" pid i
    if [ ! -s "$f" ]; then echo "teardown_cluster: $comm not running (no $f)"; return 0; fi
    pid=$(cat "$f")
    if ! kill -0 "$pid" 2>/dev/null || [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != "$comm" ]; then
        echo "teardown_cluster: $comm not running (stale $f)"; rm -f "$f"; return 0
    fi
    kill -TERM "$pid"
    for i in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "teardown_cluster: $comm (pid $pid) ignored SIGTERM for 15s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
    echo "teardown_cluster: stopped $comm (pid $pid)"
}

# Cancel our jobs first so slurmd does not leave orphaned job steps behind.
if command -v scancel >/dev/null && scontrol ping 2>/dev/null | grep -q 'is UP'; then
    scancel --user=root 2>/dev/null || true
    sleep 1
fi
stop /run/slurmd.pid slurmd
stop /run/slurmctld.pid slurmctld
stop /run/munge/munged.pid munged

if [ "${1:-}" = "--purge" ]; then
    rm -rf /var/spool/slurmctld/* /var/spool/slurmd/*
    echo "teardown_cluster: purged /var/spool/slurmctld and /var/spool/slurmd"
fi
