#!/bin/sh
# PostgreSQL init (after 10-databases.sql, first start only): one login role per service that
# owns its own database and nothing else; passwords from .env via docker-compose.yml.
set -eu
for service in competition ordering delivery rating; do
  password=$(printenv "$(echo "$service" | tr a-z A-Z)_DB_PASSWORD")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$service" -v password="$password" -v db="epurchasing_$service" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
ALTER DATABASE :"db" OWNER TO :"role";
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"role";
SQL
done
