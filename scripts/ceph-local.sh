#!/usr/bin/env bash
# A throw-away Ceph cluster on 127.0.0.1 for tests and demos: one monitor, one OSD (bluestore on
# a sparse file beside the OSD's directory) and one radosgw, started without systemd, each with a
# PID file, plus an S3 user with known keys.
#
#   scripts/ceph-local.sh start  [DIR]   start a fresh cluster in DIR (stops a leftover first)
#   scripts/ceph-local.sh stop   [DIR]   stop by PID files (the tests' watchdog too); idempotent
#   scripts/ceph-local.sh status [DIR]   exit 0 when all three daemons run, 3 when none, 1 else
#   scripts/ceph-local.sh env    [DIR]   print `export AWS_...` lines: eval "$(... env DIR)"
#   scripts/ceph-local.sh restart-rgw [DIR]   start radosgw again (after a test killed it)
#   scripts/ceph-local.sh mb BUCKET [DIR]     create a bucket (curl with SigV4; for demos)
#
# DIR defaults to $CEPH_LOCAL_DIR or /tmp/mlsdm-ceph. CEPH_LOCAL_PORT fixes the S3 port (else a
# free one is chosen). Everything lives in DIR; nothing outside it is written.
#
# The tests (CephCluster) share one cluster per checkout in target/ceph and add a watchdog
# (pids/watchdog.pid) that stops it by PID once no test JVM has used it for a while.
set -euo pipefail

cmd=${1:-}
bucket=
if [[ $cmd == mb ]]; then
  bucket=${2:-}
  shift
fi
dir=${2:-${CEPH_LOCAL_DIR:-/tmp/mlsdm-ceph}}
access_key=mlsdm-local-access-key
secret_key=mlsdm-local-secret-key-0123456789
region=us-east-1
daemons=(rgw osd mon)
# The daemons' command lines name $dir/ceph.conf, which is how their PIDs are recognised: one
# spelling of the directory for everyone (relative, absolute, through ..).
if [[ $cmd == start ]]; then mkdir -p "$dir"; fi
if [[ -d $dir ]]; then dir=$(cd "$dir" && pwd -P); fi

die() { echo "ceph-local: $*" >&2; exit 2; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A PID counts only while it is alive and still runs with this directory's ceph.conf, so a PID
# reused by an unrelated process is never killed.
alive() {
  local f="$dir/pids/$1.pid" pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/ceph.conf"
}

stop_one() {
  local name=$1 pid i
  if alive "$name"; then
    pid=$(<"$dir/pids/$name.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      alive "$name" || break
      sleep 0.1
    done
    if alive "$name"; then
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "$name" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$dir/pids/$name.pid"
}

do_stop() {
  local d
  # The watchdog first, so that it does not stop a cluster started after this stop.
  for d in watchdog "${daemons[@]}"; do
    stop_one "$d"
  done
}

do_status() {
  local up=0 d
  for d in "${daemons[@]}"; do
    if alive "$d"; then
      up=$((up + 1))
      echo "$d running (pid $(<"$dir/pids/$d.pid"))"
    else
      echo "$d stopped"
    fi
  done
  ((up == ${#daemons[@]})) && return 0
  ((up == 0)) && return 3
  return 1
}

do_env() {
  [[ -f $dir/port ]] || die "no cluster in $dir (run: $0 start $dir)"
  echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$(<"$dir/port")"
  echo "export AWS_ACCESS_KEY_ID=$access_key"
  echo "export AWS_SECRET_ACCESS_KEY=$secret_key"
  echo "export AWS_REGION=$region"
}

ceph_() { timeout 20 ceph -c "$dir/ceph.conf" "$@"; }

wait_for() {
  local what=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what did not come up; logs in $dir/log"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
osd_up() { ceph_ osd stat | grep -q '1 up'; }

start_rgw() {
  radosgw -f -c "$dir/ceph.conf" -n client.rgw.a >>"$dir/log/rgw.out" 2>&1 &
  echo $! >"$dir/pids/rgw.pid"
  wait_for radosgw 120 port_open "$(<"$dir/port")"
}

do_start() {
  for b in ceph-mon ceph-osd radosgw ceph monmaptool ceph-authtool radosgw-admin; do
    command -v "$b" >/dev/null || die "$b not found; install: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common"
  done
  # Whatever an earlier (possibly killed) run left is stopped and wiped: every start is fresh.
  do_stop
  rm -rf "$dir/mon" "$dir/osd" "$dir/osd-block-0" "$dir/run" "$dir/log" "$dir/keyring" \
    "$dir/ceph.conf" "$dir/port" "$dir/monmap"
  mkdir -p "$dir/mon/ceph-a" "$dir/osd/ceph-0" "$dir/run" "$dir/log" "$dir/pids"

  local fsid osd_uuid mon_port rgw_port
  fsid=$(uuidgen)
  osd_uuid=$(uuidgen)
  mon_port=$(free_port)
  rgw_port=${CEPH_LOCAL_PORT:-$(free_port)}
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon initial members = a
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
[mon]
mon data = $dir/mon/ceph-\$id
[osd]
osd data = $dir/osd/ceph-\$id
osd objectstore = bluestore
bluestore block path = $dir/osd-block-\$id
bluestore block create = true
bluestore block size = 8589934592
bluestore cache autotune = false
bluestore cache size = 134217728
osd memory target = 939524096
[client.rgw.a]
# tcp_nodelay: without it every small GET or LIST answer waits ~40 ms for a delayed ACK (Nagle).
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
EOF
  # One keyring with every entity and its caps, imported by the monitor at mkfs: cephx stays on
  # (radosgw fails without it), and no key has to be added to a running cluster.
  local k=$dir/keyring
  ceph-authtool --create-keyring "$k" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
    --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$k" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' \
    --cap mgr 'allow rw' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$dir/ceph.conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$k" \
    >>"$dir/log/mkfs.out" 2>&1
  ceph-mon -f -c "$dir/ceph.conf" -i a >>"$dir/log/mon.out" 2>&1 &
  echo $! >"$dir/pids/mon.pid"
  wait_for ceph-mon 60 ceph_ mon stat

  ceph_ osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -c "$dir/ceph.conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/mkfs.out" 2>&1
  ceph-osd -f -c "$dir/ceph.conf" -i 0 >>"$dir/log/osd.out" 2>&1 &
  echo $! >"$dir/pids/osd.pid"
  wait_for ceph-osd 120 osd_up

  echo "$rgw_port" >"$dir/port"
  start_rgw
  timeout 60 radosgw-admin -c "$dir/ceph.conf" user create --uid mlsdm --display-name mlsdm \
    --access-key "$access_key" --secret-key "$secret_key" >/dev/null
  echo "ceph-local: radosgw on http://127.0.0.1:$rgw_port (dir $dir)" >&2
  do_env
}

case $cmd in
  start) do_start ;;
  stop) [[ -d $dir ]] && do_stop; exit 0 ;;
  status) [[ -d $dir ]] || { echo "no cluster in $dir"; exit 3; }; do_status ;;
  env) do_env ;;
  restart-rgw)
    alive mon && alive osd || die "monitor or OSD not running in $dir"
    stop_one rgw
    start_rgw
    ;;
  mb)
    [[ -n $bucket ]] || die "usage: $0 mb BUCKET [DIR]"
    [[ -f $dir/port ]] || die "no cluster in $dir (run: $0 start $dir)"
    # 200 when created, 409 BucketAlreadyOwnedByYou when it exists: both leave the bucket there.
    # S3 wants the payload's SHA-256 signed too; curl does not add it (here: of no bytes).
    empty_sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:$region:s3" \
      --user "$access_key:$secret_key" -H "x-amz-content-sha256: $empty_sha" \
      "http://127.0.0.1:$(<"$dir/port")/$bucket")
    [[ $code == 200 || $code == 409 ]] || die "creating bucket $bucket: HTTP $code"
    echo "ceph-local: bucket $bucket" >&2
    ;;
  *) die "usage: $0 start|stop|status|env|restart-rgw [DIR], or mb BUCKET [DIR]" ;;
esac
