#!/bin/sh
# docker-compose.yml's rabbitmq entry point: writes the users and their permissions (passwords
# from the environment, i.e. .env) beside the topology and the policies, in the directory
# rabbitmq.conf imports at boot, then hands over to the image's own entry point.
set -eu
here=/etc/rabbitmq/epurchasing
out=/tmp/epurchasing-definitions
mkdir -p "$out"
cp "$here/definitions.json" "$out/10-topology.json"
cp "$here/policies.json" "$out/20-policies.json"

password() {  # NAME -> the value of RABBITMQ_<NAME>_PASSWORD, refused unless URL-safe
  value=$(printenv "RABBITMQ_$1_PASSWORD" || true)
  case "$value" in
    "" | *[!A-Za-z0-9_-]*)
      echo "rabbitmq: RABBITMQ_$1_PASSWORD must be set, letters, digits, - and _ only" >&2
      exit 1 ;;
  esac
  printf '%s' "$value"
}

for name in ADMIN COMPETITION ORDERING DELIVERY RATING SUBSCRIBER; do
  password "$name" >/dev/null || exit 1
done

# Every service declares the whole topology at start: configure and write on those names
# only, read on the exchanges and the consumer queues (declaring a queue with a dead-letter
# exchange needs read on it) but not on the dead-letter queues, which are the operator's
# (administrator, `epurchasing dlq`); the consumer queues are <purpose>.sac, the bare <purpose>
# of the previous generation is drained and deleted under <purpose>.sac.lock (docs/consumers.md).
# Outside subscribers bind their own subscriber.* queues
# to epurchasing.events and can publish nothing. Checked against RabbitMQ: docs/scale-out.md.
TOPOLOGY='^(epurchasing\\.(events|dlx|unrouted)|(competition|ordering|delivery|rating)\\.on_[a-z_]+(\\.sac|\\.sac\\.lock|\\.dlq)?)$'
READ='^(epurchasing\\.(events|dlx|unrouted)|(competition|ordering|delivery|rating)\\.on_[a-z_]+(\\.sac)?)$'
service_user() {  # service
  upper=$(echo "$1" | tr a-z A-Z)
  printf '{"name":"%s","password":"%s","tags":[]}' "$1" "$(password "$upper")"
}
service_permission() {  # service
  printf '{"user":"%s","vhost":"/","configure":"%s","write":"%s","read":"%s"}' \
    "$1" "$TOPOLOGY" "$TOPOLOGY" "$READ"
}

{
  printf '{"vhosts":[{"name":"/"}],"users":['
  printf '{"name":"epurchasing-admin","password":"%s","tags":["administrator"]},' "$(password ADMIN)"
  for s in competition ordering delivery rating; do service_user "$s"; printf ','; done
  printf '{"name":"subscriber","password":"%s","tags":[]}' "$(password SUBSCRIBER)"
  printf '],"permissions":['
  printf '{"user":"epurchasing-admin","vhost":"/","configure":".*","write":".*","read":".*"},'
  for s in competition ordering delivery rating; do service_permission "$s"; printf ','; done
  printf '{"user":"subscriber","vhost":"/","configure":"^subscriber\\\\..+$","write":"^subscriber\\\\..+$","read":"^(epurchasing\\\\.events|subscriber\\\\..+)$"}'
  printf ']}\n'
} > "$out/30-users.json"

chown -R rabbitmq:rabbitmq "$out" 2>/dev/null || true
chmod 700 "$out"
chmod 600 "$out"/*.json
exec docker-entrypoint.sh "$@"
