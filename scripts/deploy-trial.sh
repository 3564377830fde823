#!/bin/bash
# The trial of docs/deploy.md: a fresh clone of this repository's current branch, installed and run
# against the local PostgreSQL server (trust auth as user postgres on 127.0.0.1:5432), then cleaned up.
# Usage: scripts/deploy-trial.sh   (PYTHON=python3.11 TRIAL_DIR=/tmp/stemlink-deploy-trial)
set -u
T=${TRIAL_DIR:-/tmp/stemlink-deploy-trial}
PY=${PYTHON:-python3.11}
REPO=$(cd "$(dirname "$0")/.." && pwd)
BRANCH=$(git -C "$REPO" rev-parse --abbrev-ref HEAD)
step() { echo; echo "### $*"; }
rm -rf $T/src $T/venv $T/var $T/backup; mkdir -p $T/var $T/backup
step "clone and pip install"
git clone -q --branch "$BRANCH" "$REPO" $T/src && (cd $T/src && git log --oneline -1)
$PY -m venv $T/venv && $T/venv/bin/pip install -q $T/src 2>&1 | grep -v -i "warning\|corresp\|!!\|\*\*\*\|^ *$\|See https\|license" | tail -3
$T/venv/bin/stemlink --version
step "PostgreSQL database"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS stemlink_trial" -c "DROP ROLE IF EXISTS stemlink_trial"
psql -h 127.0.0.1 -U postgres -qc "CREATE ROLE stemlink_trial LOGIN PASSWORD 'trial-pass'" -c "CREATE DATABASE stemlink_trial OWNER stemlink_trial"
export DATABASE_URL=postgresql://stemlink_trial:trial-pass@127.0.0.1:5432/stemlink_trial
export STEMLINK_VAR_DIR=$T/var STEMLINK_SECRET_KEY=trial-secret-key-0123456789abcdefghij STEMLINK_ALLOWED_HOSTS=sales.example.com
cd /tmp
step "companies before migrate"; $T/venv/bin/stemlink companies; echo "exit $?"
step "migrate"; $T/venv/bin/stemlink migrate --no-input | tail -2
step "init"; STEMLINK_INIT_ADMIN_PASSWORD=trial-admin-pass-2026 $T/venv/bin/stemlink init --name "Trial Flowers" --address "1 Main St, Miami" --time-zone America/New_York --location-name "Miami warehouse" --location-code MIA --admin-username maria
step "serve and worker"
PORT=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
$T/venv/bin/stemlink serve --host 127.0.0.1 --port $PORT --workers 1 > $T/serve.log 2>&1 &
SERVE=$!
$T/venv/bin/stemlink worker > $T/worker.log 2>&1 &
WORKER=$!
for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:$PORT/login/ -H "Host: sales.example.com" && break; sleep 1; done
step "a request as the proxy sends it (Host, X-Forwarded-For, X-Forwarded-Proto)"
curl -s -o /dev/null -w "login page: HTTP %{http_code}\n" http://127.0.0.1:$PORT/login/ -H "Host: sales.example.com" -H "X-Forwarded-For: 203.0.113.7" -H "X-Forwarded-Proto: https"
curl -s -o /dev/null -w "unknown Host: HTTP %{http_code}\n" http://127.0.0.1:$PORT/login/ -H "Host: evil.example.net"
curl -s -o /dev/null -w "first-run page after init: HTTP %{http_code}\n" http://127.0.0.1:$PORT/welcome/ -H "Host: sales.example.com"
curl -s -o /dev/null -w "API docs: HTTP %{http_code}\n" http://127.0.0.1:$PORT/api/docs -H "Host: sales.example.com" -H "X-Forwarded-Proto: https"
sleep 3
step "logs (stdout/stderr: journald under systemd)"; tail -n 4 $T/serve.log; tail -n 2 $T/worker.log
kill -TERM $SERVE $WORKER; wait $SERVE $WORKER 2>/dev/null; echo "stopped web and worker with TERM"
step "backup (pg_dump) and restore into a new database"
pg_dump -Fc -f $T/backup/stemlink.dump "$DATABASE_URL" && ls -la $T/backup | tail -1
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS stemlink_trial_restore" -c "CREATE DATABASE stemlink_trial_restore OWNER stemlink_trial"
pg_restore --no-owner -d postgresql://stemlink_trial:trial-pass@127.0.0.1:5432/stemlink_trial_restore $T/backup/stemlink.dump && DATABASE_URL=postgresql://stemlink_trial:trial-pass@127.0.0.1:5432/stemlink_trial_restore $T/venv/bin/stemlink companies
step "upgrade: install again, migrate"
$T/venv/bin/pip install -q --upgrade $T/src 2>&1 | grep -i error; $T/venv/bin/stemlink migrate --no-input | tail -1
step "SQLite on one machine: migrate into a fresh var dir, online backup with sqlite3"
mkdir -p $T/sqlite && cd $T/sqlite && env -u DATABASE_URL STEMLINK_VAR_DIR=$T/sqlite/var $T/venv/bin/stemlink migrate --no-input | tail -1
sqlite3 $T/sqlite/var/stemlink.sqlite3 ".backup '$T/backup/stemlink.sqlite3'" && sqlite3 $T/backup/stemlink.sqlite3 "PRAGMA integrity_check"
step "marketplace"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS marketplace_trial" -c "CREATE DATABASE marketplace_trial"
export MARKETPLACE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/marketplace_trial
$T/venv/bin/marketplace migrate --no-input | tail -1
MARKETPLACE_INIT_PASSWORD=trial-operator-2026 $T/venv/bin/marketplace init --username operator
step "systemd units: systemd-analyze verify, on copies pointing at this trial's venv"
if command -v systemd-analyze >/dev/null; then
  mkdir -p $T/units
  for f in "$REPO"/deploy/systemd/*.service; do
    sed -e "s|/opt/stemlink/.venv/|$T/venv/|" -e "s|^EnvironmentFile=|EnvironmentFile=-|" \
        -e "s|^User=stemlink|User=root|" -e "s|^Group=stemlink|Group=root|" "$f" > $T/units/$(basename "$f")
  done
  systemd-analyze verify $T/units/*.service && echo "all units verify"
else
  echo "systemd-analyze is not installed: the units were not verified"
fi
step "clean up"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE stemlink_trial" -c "DROP DATABASE stemlink_trial_restore" -c "DROP DATABASE marketplace_trial" -c "DROP ROLE stemlink_trial"
echo done
