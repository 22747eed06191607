// "My work": what waits for me (the resources whose allowed actions are mine), with the SOP
// step, the due date and whether it is late; the auditor sees every procurement, read-only.
import { competition, delivery, ordering, rating, unwrap } from "../api/client";
import { currentSession } from "../auth";
import { wib } from "../format";
import { roleName, stateName, t } from "../i18n";
import { stepOf, waitingActions } from "../steps";
import { Link, Loading, navigate, Section, turnOf, useLoad, type TurnLike } from "../ui";

interface WorkItem {
  key: string;
  kind: string;
  title: string;
  state: string;
  href: string;
  procurement: string;
  actions: string[];
  turn: TurnLike | null;
}

type OpenTurn = TurnLike & { aggregate_id?: string; done_at?: string | null };

async function openTurns(role: string, vendorId?: string): Promise<Map<string, OpenTurn>> {
  // GET /turns of each service (the time standards): the open turns of my role (a vendor's
  // carry its vendor id). Used when a resource does not carry its own `turn` yet.
  const found = new Map<string, OpenTurn>();
  const query = { actor_role: role, ...(vendorId ? { actor_id: vendorId } : {}), limit: 200 };
  const answers = await Promise.allSettled([
    competition.GET("/turns", { params: { query } }),
    ordering.GET("/turns", { params: { query } }),
    delivery.GET("/turns", { params: { query } }),
    rating.GET("/turns", { params: { query } }),
  ]);
  for (const answer of answers) {
    if (answer.status !== "fulfilled" || !answer.value.data) continue;
    const items = (answer.value.data as { items?: OpenTurn[] }).items ?? [];
    for (const turn of items) {
      if (turn.aggregate_id && !turn.done_at && !found.has(turn.aggregate_id)) found.set(turn.aggregate_id, turn);
    }
  }
  return found;
}

async function loadWork(): Promise<WorkItem[]> {
  const session = currentSession();
  if (!session) return [];
  const { role, vendor_id } = session.claims;
  const items: WorkItem[] = [];
  const query = { params: { query: { limit: 100 } } };
  // A list my role may not read (403) is simply not my work.
  const mine = <T,>(answer: Promise<{ data?: T; error?: unknown; response: Response }>) =>
    answer.then((found) => (found.response.status === 403 ? null : unwrap(found)));
  const [requests, competitions, packages, fulfilments, ratings, turns] = await Promise.all([
    role === "vendor" ? null : mine(competition.GET("/purchase-requests", query)),
    role === "ppk" ? null : mine(competition.GET("/competitions", query)),
    mine(ordering.GET("/packages", query)),
    mine(delivery.GET("/fulfilments", query)),
    role === "procurement_official" ? null : mine(rating.GET("/ratings", query)),
    openTurns(role, vendor_id).catch(() => new Map<string, OpenTurn>()),
  ]);
  for (const r of requests?.items ?? []) {
    items.push({
      key: `pr-${r.id}`, kind: t("Permintaan pembelian", "Purchase request"), title: r.title, state: r.state,
      href: `/requests/${r.id}`, procurement: r.id, actions: r.allowed_actions, turn: turnOf(r) ?? turns.get(r.id) ?? null,
    });
  }
  for (const c of competitions?.items ?? []) {
    items.push({
      key: `c-${c.id}`, kind: t("Mini kompetisi", "Mini-competition"), title: `${c.category} · ${c.kind}`, state: c.state,
      href: `/competitions/${c.id}`, procurement: c.purchase_request_id, actions: c.allowed_actions, turn: turnOf(c) ?? turns.get(c.id) ?? null,
    });
  }
  for (const p of packages?.items ?? []) {
    items.push({
      key: `p-${p.id}`, kind: t("Paket e-purchasing", "E-purchasing package"), title: p.title, state: p.state,
      href: `/packages/${p.id}`, procurement: p.procurement_id, actions: p.allowed_actions, turn: turnOf(p) ?? turns.get(p.id) ?? null,
    });
  }
  for (const f of fulfilments?.items ?? []) {
    items.push({
      key: `f-${f.procurement_id}`, kind: t("Pengiriman dan pembayaran", "Delivery and payment"), title: f.order.order_number, state: f.state,
      href: `/fulfilments/${f.procurement_id}`, procurement: f.procurement_id, actions: f.allowed_actions,
      turn: turnOf(f) ?? turns.get(f.procurement_id) ?? null,
    });
  }
  for (const r of ratings?.items ?? []) {
    items.push({
      key: `r-${r.id}`, kind: t("Penilaian penyedia", "Vendor rating"), title: `${r.vendor_name} · ${r.order_number}`, state: r.state,
      href: `/ratings/${r.id}`, procurement: r.procurement_id, actions: r.allowed_actions, turn: turnOf(r) ?? turns.get(r.id) ?? null,
    });
  }
  return items;
}

export function MyWork() {
  const session = currentSession();
  const { data, problem, reload } = useLoad(loadWork, [session?.token]);
  if (!session) return null;
  const role = session.claims.role;
  const readOnly = role === "auditor" || role === "admin";
  const waiting = (data ?? []).filter((item) => waitingActions(item.actions).length > 0);
  const others = (data ?? []).filter((item) => waitingActions(item.actions).length === 0);
  return (
    <main aria-labelledby="work-title">
      <h1 id="work-title">
        {readOnly ? t("Semua pengadaan", "All procurements") : t("Pekerjaan saya", "My work")}
        <small> · {session.claims.name ?? session.claims.sub} ({roleName(role)})</small>
      </h1>
      <div className="toolbar">
        {role === "ppk" && (
          <button className="primary" data-action="draft" onClick={() => navigate("/requests/new")}>
            {t("Buat permintaan pembelian (langkah 1)", "New purchase request (step 1)")}
          </button>
        )}
        <button className="secondary" onClick={reload}>
          {t("Muat ulang", "Reload")}
        </button>
      </div>
      {!data ? (
        <Loading problem={problem} />
      ) : (
        <>
          {!readOnly && (
            <Section title={t("Menunggu saya", "Waiting for me")} testid="waiting">
              <WorkTable items={waiting} empty={t("Tidak ada yang menunggu Anda.", "Nothing waits for you.")} />
            </Section>
          )}
          <Section title={readOnly ? t("Pengadaan", "Procurements") : t("Lainnya", "Others")} testid="others">
            <WorkTable items={readOnly ? (data ?? []) : others} empty={t("Belum ada.", "None yet.")} />
          </Section>
        </>
      )}
    </main>
  );
}

function WorkTable({ items, empty }: { items: WorkItem[]; empty: string }) {
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <table className="work">
      <thead>
        <tr>
          <th scope="col">{t("Apa", "What")}</th>
          <th scope="col">{t("Status", "State")}</th>
          <th scope="col">{t("Langkah SOP", "SOP step")}</th>
          <th scope="col">{t("Batas waktu", "Due")}</th>
          <th scope="col">{t("Terlambat?", "Late?")}</th>
          <th scope="col">{t("Pengadaan", "Procurement")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.key} data-testid="work-item" className={item.turn?.overdue ? "overdue" : undefined}>
            <td>
              <Link to={item.href}>
                {item.kind}: {item.title}
              </Link>
            </td>
            <td>{stateName(item.state)}</td>
            <td>{item.turn?.sop_step ?? stepOf(item.actions) ?? "–"}</td>
            <td>{item.turn?.due_at ? wib(item.turn.due_at) : "–"}</td>
            <td>{item.turn?.due_at ? (item.turn.overdue ? t("Ya, terlambat", "Yes, late") : t("Tidak", "No")) : "–"}</td>
            <td>
              <Link to={`/procurements/${item.procurement}`} label={t("Riwayat pengadaan", "Procurement history")}>
                {item.procurement.slice(0, 8)}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
