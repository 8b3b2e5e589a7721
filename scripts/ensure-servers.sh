#!/usr/bin/env bash
# Makes sure the Postgres and NATS (JetStream) servers the tests use are reachable, starting the
# machine's own services when they stopped (the commands the machine image uses). Exits non-zero
# when either is still unreachable.
set -u
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
nats_up() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! nats_up && [ -x /usr/sbin/nats-server ]; then
  echo "starting NATS"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
for _ in $(seq 1 30); do
  if pg_up && nats_up; then echo "Postgres and NATS are up"; exit 0; fi
  sleep 1
done
pg_up || echo "Postgres is not reachable on 127.0.0.1:5432" >&2
nats_up || echo "NATS is not reachable on 127.0.0.1:4222" >&2
exit 1
