#!/usr/bin/env bash
# SOP steps 1–13 against a running competition service, with curl, as the README shows them.
#   make run            (in another terminal)
#   bash scripts/walkthrough_steps_1_13.sh
# Needs curl and python3; COMPETITION (default http://localhost:8001) and EPURCHASING
# (default .venv/bin/epurchasing) may be overridden.
set -euo pipefail
C=${COMPETITION:-http://localhost:8001}
EP=${EPURCHASING:-.venv/bin/epurchasing}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() {  # method path token [curl args...]
  local method=$1 path=$2 token=$3; shift 3
  curl -sS --fail-with-body -X "$method" "$C$path" -H "Authorization: Bearer $token" "$@"
}
post() { local path=$1 token=$2 body=$3; shift 3
  call POST "$path" "$token" -H 'Content-Type: application/json' -d "$body" "$@"; }

# Tokens for the three actors of the SOP (development HS256 tokens).
ADMIN=$($EP mint-token --role admin --sub admin-1 --name "Operator UKPBJ")
PPK=$($EP mint-token --role ppk --sub ppk-budi --name "Budi Santoso" --work-unit dinkes)
OFFICIAL=$($EP mint-token --role procurement_official --sub pp-sari --name "Sari Wulandari" --work-unit dinkes)

# The catalogue (admin): two vendors with a laptop each.
CATEGORY="laptop-$RANDOM"
V1=$(post /catalogue/vendors "$ADMIN" '{"name":"CV Maju Jaya","email":"sales@majujaya.example.id"}' | json '["id"]')
V2=$(post /catalogue/vendors "$ADMIN" '{"name":"PT Sinar Komputer","email":"tender@sinarkomputer.example.id"}' | json '["id"]')
P1=$(post /catalogue/products "$ADMIN" "{\"vendor_id\":\"$V1\",\"category\":\"$CATEGORY\",\"name\":\"Laptop 14 inci i5\",\"unit\":\"unit\",\"unit_price\":9500000}" | json '["id"]')
P2=$(post /catalogue/products "$ADMIN" "{\"vendor_id\":\"$V2\",\"category\":\"$CATEGORY\",\"name\":\"Laptop 14 inci i5\",\"unit\":\"unit\",\"unit_price\":9800000}" | json '["id"]')
VENDOR1=$($EP mint-token --role vendor --sub user-majujaya --name "CV Maju Jaya" --vendor-id "$V1")
VENDOR2=$($EP mint-token --role vendor --sub user-sinar --name "PT Sinar Komputer" --vendor-id "$V2")

# Steps 1–2 (PPK): the purchase request and its nota dinas.
PR=$(post /purchase-requests "$PPK" "{\"rup_code\":\"RUP-2026-0042\",\"fiscal_year\":2026,\"dpa_number\":\"DPA-1.02.01\",\"pagu\":100000000,\"title\":\"Laptop untuk Dinas Kesehatan\",\"specification\":\"14 inci, i5, RAM 16 GB\",\"delivery_address\":\"Jl. Kartini 1, Mojokerto\",\"delivery_date\":\"2026-12-30\",\"items\":[{\"category\":\"$CATEGORY\",\"description\":\"Laptop staf\",\"quantity\":10,\"unit\":\"unit\"}]}" | json '["id"]')
printf '%%PDF-1.4\n%% nota dinas\n' > /tmp/nota-dinas.pdf
call POST "/purchase-requests/$PR/documents" "$PPK" -F kind=nota_dinas -F "file=@/tmp/nota-dinas.pdf;type=application/pdf" > /dev/null
# Step 3 (PPK): send it to the procurement official. Step 4 (official): receive it.
post "/purchase-requests/$PR/submit" "$PPK" '{"official":{"id":"pp-sari","name":"Sari Wulandari"}}' > /dev/null
call POST "/purchase-requests/$PR/accept" "$OFFICIAL" | json '["state"]'

# Steps 6–9 (official): draft a specification competition, its data, open it.
COMP=$(post /competitions "$OFFICIAL" "{\"purchase_request_id\":\"$PR\",\"kind\":\"specification\",\"category\":\"$CATEGORY\"}" | json '["id"]')
DEADLINE=$(python3 -c "from datetime import datetime,timedelta,timezone; print((datetime.now(timezone.utc)+timedelta(seconds=15)).isoformat())")
post "/competitions/$COMP/open" "$OFFICIAL" "{\"offer_deadline\":\"$DEADLINE\"}" | json '["state"]'

# Step 10 (vendors): sealed offers, at most the catalogue price.
post "/competitions/$COMP/offers" "$VENDOR1" "{\"lines\":[{\"line_no\":1,\"product_id\":\"$P1\",\"unit_price\":9200000}],\"shipping_cost\":250000,\"delivery_days\":7}" > /dev/null
post "/competitions/$COMP/offers" "$VENDOR2" "{\"lines\":[{\"line_no\":1,\"product_id\":\"$P2\",\"unit_price\":9400000}],\"shipping_cost\":0,\"delivery_days\":5}" > /dev/null
echo "waiting for the offer deadline ..."; sleep 16

# Steps 11–13 (official): evaluate, publish, generate the package for ordering.
post "/competitions/$COMP/evaluate" "$OFFICIAL" '{}' | json '["state"]'
post "/competitions/$COMP/publish" "$OFFICIAL" '{}' > /dev/null
curl -sS "$C/public/competitions/$COMP"; echo
post "/competitions/$COMP/generate-package" "$OFFICIAL" '{}' | json '["state"]'
call GET "/procurements/$PR/history" "$PPK" | python3 -c "
import json,sys
for e in json.load(sys.stdin): print(e['sop_step'], e['actor_role'], e['action'], e['from_state'], '->', e['to_state'])"
