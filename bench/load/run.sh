#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 only, a static /healthz baseline, then the caseworker and team
# leader mix; bounded in users and time. Prints req/s (and per web worker), p50/p95 and errors,
# then checks that every acknowledged contact is stored exactly once. For both runs it also prints
# the CPU per request of the web workers, the database and locust (bench/load/meter.py) and the
# load average: on a shared machine req/s and latency move with the neighbours, CPU per request
# hardly does.
#
#   DATABASE_URL=postgres://.../THROWAWAY REDIS_URL=redis://127.0.0.1:6379/N LOCUST=/tmp/locust/bin/locust \
#     bench/load/run.sh        # USERS=100 DURATION=120s WORKERS=3 PORT=8390
#
# THROWAWAY: a database seeded with `manage.py seed_demo`; prepare.py resets its staff passwords.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?a throwaway PostgreSQL database seeded with seed_demo}" "${REDIS_URL:?redis://127.0.0.1:6379/N}"
# 3 sync workers: two vCPUs stay busy while one worker waits on PostgreSQL; more only share them.
LOCUST=${LOCUST:-locust} USERS=${USERS:-100} DURATION=${DURATION:-120s} WORKERS=${WORKERS:-3} PORT=${PORT:-8390}
OUT=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=bench.load.settings SECRET_KEY=load-test-only DEBUG=0 ALLOWED_HOSTS=127.0.0.1
export LOAD_ACKED=$OUT/acked.txt LOAD_PASSWORD=${LOAD_PASSWORD:-load-test-only}
eval "$(.venv/bin/python bench/load/prepare.py | sed 's/^/export /')"
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn jobcenter.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --worker-class jobcenter.gunicorn_worker.SyncWorker \
  --error-logfile "$OUT/gunicorn.log" &  # no access log: formatting one line per request costs CPU
GUNICORN=$!
DB_NAME=${DATABASE_URL##*/}
export LOAD_SERVER_PID=$GUNICORN LOAD_DB_NAME=${DB_NAME%%\?*}  # for the CPU accounting (meter.py)
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done

run() {  # name, users, spawn rate, duration, user classes...
  local name=$1 users=$2 rate=$3 duration=$4; shift 4
  LOAD_CPU="$OUT/$name-cpu.json" "$LOCUST" -f bench/load/locustfile.py "$@" --headless -u "$users" -r "$rate" -t "$duration" \
    --host "http://127.0.0.1:$PORT" --only-summary --csv "$OUT/$name" >"$OUT/$name.log" 2>&1 || true
}
run healthz 20 20 20s Healthz
run mix "$USERS" 10 "$DURATION" Caseworker TeamLeader

.venv/bin/python - "$OUT" "$WORKERS" <<'PY'
import csv, json, sys
out, workers = sys.argv[1], int(sys.argv[2])
for name in ("healthz", "mix"):
    rows = {r["Name"]: r for r in csv.DictReader(open(f"{out}/{name}_stats.csv"))}
    cpu = json.load(open(f"{out}/{name}-cpu.json"))
    print(f"== {name}: {cpu['seconds']:.0f} s measured, load average {cpu['load_mean']:.1f} "
          f"(max {cpu['load_max']:.1f}); CPU per request: web {cpu['web_ms_per_request']:.1f} ms, "
          f"database {cpu['database_ms_per_request']:.1f} ms, locust {cpu['locust_ms_per_request']:.1f} ms; "
          f"cores busy: web {cpu['web_cores']:.2f}, database {cpu['database_cores']:.2f}, "
          f"locust {cpu['locust_cores']:.2f}; web page faults per request {cpu['web_faults_per_request']:.0f}")
    for label, r in rows.items():
        if label == "login":
            continue  # once per user, before the statistics are reset
        rps = float(r["Requests/s"])
        line = (f"  {label:<28} {int(r['Request Count']):>6} req {int(r['Failure Count']):>4} errors "
                f"p50 {r['50%']:>5} ms  p95 {r['95%']:>5} ms  {rps:7.1f} req/s")
        if label == "Aggregated":
            line += f"  ({rps / workers:.1f} req/s per web worker)"
        print(line)
PY
.venv/bin/python bench/load/check_contacts.py
