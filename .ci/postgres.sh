#!/usr/bin/env bash
# Makes a PostgreSQL server from Debian's packages ready for the test suite on a fresh Debian machine (as root):
# installs it when missing, starts its cluster listening on loopback only, and creates the role the tests use
# (allowed to create the per-fixture databases). Prints the connection string for CONFAB_TEST_POSTGRES.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | awk '{ print $1 "/" $2 }' | grep -qx "$version/main" || pg_createcluster "$version" main >&2
sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "/etc/postgresql/$version/main/postgresql.conf"
pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }' | grep -q online || pg_ctlcluster "$version" main start >&2
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')

runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'confab_ci') THEN
    CREATE ROLE confab_ci LOGIN CREATEDB PASSWORD 'confab_ci';
  END IF;
END $$;
SQL
# Loopback only: TLS (which Debian's cluster offers, and Npgsql then uses) would only cost both ends CPU.
echo "Host=127.0.0.1;Port=$port;Username=confab_ci;Password=confab_ci;Database=postgres;SSL Mode=Disable"
