/**
 * SOP steps 1-4 as a front end would call them, typed by the generated OpenAPI types alone
 * (no hand-written request shapes): `tsc --noEmit` fails if a path, a field or a header here
 * no longer matches what the services publish. Runs against one origin (the reverse proxy,
 * e.g. http://localhost:8080/competition) with tokens of the demo's people.
 */
import createClient from "openapi-fetch";
import type { paths as Competition } from "./generated/competition";

export interface People {
  admin: string;
  ppk: string;
  official: string;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function walkStepsOneToFour(baseUrl: string, people: People, notaDinas: Blob) {
  const competition = createClient<Competition>({ baseUrl });

  // The catalogue (admin): a vendor and its product, the price ceiling of the offers.
  const vendor = await competition.POST("/catalogue/vendors", {
    headers: bearer(people.admin),
    body: { name: "CV Maju Jaya", email: "sales@majujaya.example.id" },
  });
  if (!vendor.data) throw new Error(vendor.error?.detail ?? "no vendor");

  // Step 1 (PPK): the purchase request with its items.
  const drafted = await competition.POST("/purchase-requests", {
    headers: { ...bearer(people.ppk), "Idempotency-Key": crypto.randomUUID() },
    body: {
      rup_code: "RUP-2026-0042",
      fiscal_year: 2026,
      dpa_number: "DPA-1.02.01",
      pagu: 100_000_000,
      title: "Laptop untuk Dinas Kesehatan",
      specification: "14 inci, i5, RAM 16 GB",
      delivery_address: "Jl. Kartini 1, Mojokerto",
      delivery_date: "2026-12-30",
      items: [{ category: "laptop", description: "Laptop staf", quantity: 10, unit: "unit" }],
    },
  });
  if (!drafted.data) throw new Error(drafted.error?.detail ?? "not drafted");
  const request_id = drafted.data.id;

  // Step 2 (PPK): the nota dinas, uploaded as multipart.
  const attached = await competition.POST("/purchase-requests/{request_id}/documents", {
    params: { path: { request_id } },
    headers: bearer(people.ppk),
    body: { kind: "nota_dinas", file: "" },
    bodySerializer: () => {
      const form = new FormData();
      form.append("kind", "nota_dinas");
      form.append("file", notaDinas, "nota-dinas.pdf");
      return form;
    },
  });
  if (attached.error) throw new Error(attached.error.detail);

  // Step 3 (PPK): submit to the named official, at the version last read.
  const submitted = await competition.POST("/purchase-requests/{request_id}/submit", {
    params: { path: { request_id } },
    headers: { ...bearer(people.ppk), "If-Match": `"${drafted.data.version}"` },
    body: { official: { id: "pp-sari", name: "Sari Wulandari" } },
  });
  if (!submitted.data) throw new Error(submitted.error?.detail ?? "not submitted");

  // Step 4 (official): accept; a refusal names the state and what is allowed instead.
  const accepted = await competition.POST("/purchase-requests/{request_id}/accept", {
    params: { path: { request_id } },
    headers: { ...bearer(people.official), "If-Match": `"${submitted.data.version}"` },
  });
  if (accepted.error) {
    throw new Error(`${accepted.error.detail} (${accepted.error.allowed_actions?.join(", ")})`);
  }
  return accepted.data;
}
