// Steps 14–22 and 24a on ordering: processing (14), the vendor's e-mail (15), review (16),
// negotiation rounds with the price rules shown as the user types (17), the vendor's approval
// (18), the PPK's review (19–20), the purchase order and its acknowledgement (21–22), addenda (24a).
import { useState } from "react";
import { ifMatch, multipart, ordering, unwrap, type Package } from "../api/client";
import { currentSession } from "../auth";
import { parseRupiah, rupiah, wib, wibDate } from "../format";
import { t } from "../i18n";
import {
  ActionButton, Dl, Field, FileField, Link, Loading, Money, ProblemView, Section, StateBadge, turnOf, TurnView, useAction, useLoad,
} from "../ui";
import { History } from "./History";

/** The vendor's last price: its last counter-offer, or the package's prices (its offer). */
export function vendorLast(p: Package): { prices: Record<number, number>; shipping: number } {
  for (const round of [...p.negotiation].reverse()) {
    if (round.counter_prices) {
      const prices = Object.fromEntries(Object.entries(round.counter_prices).map(([k, v]) => [Number(k), Number(v)]));
      return { prices, shipping: round.counter_shipping_cost ?? p.shipping_cost };
    }
  }
  return { prices: Object.fromEntries(p.lines.map((l) => [l.line_no, l.unit_price])), shipping: p.shipping_cost };
}

export function PackageDetail({ id }: { id: string }) {
  const { data, problem, reload } = useLoad(async () => unwrap(await ordering.GET("/packages/{package_id}", { params: { path: { package_id: id } } })), [id]);
  if (!data) return <Loading problem={problem} />;
  const p = data;
  const order = p.purchase_order;
  return (
    <main aria-labelledby="p-title">
      <h1 id="p-title">
        {t("Paket e-purchasing", "E-purchasing package")}: {p.title}
      </h1>
      <p>
        <StateBadge state={p.state} /> <Link to={`/procurements/${p.procurement_id}`}>{t("Riwayat pengadaan", "Procurement history")}</Link>
        {order && (
          <>
            {" · "}
            <Link to={`/fulfilments/${p.procurement_id}`}>{t("Pengiriman dan pembayaran", "Delivery and payment")}</Link>
          </>
        )}
      </p>
      <TurnView turn={turnOf(p)} />
      {p.cancel_reason && (
        <p className="problem" role="status">
          {t("Dibatalkan", "Cancelled")}: {p.cancel_reason}
        </p>
      )}
      <Section title={t("Paket (langkah 14–16)", "Package (steps 14–16)")}>
        <Dl
          rows={[
            [t("Penyedia", "Vendor"), p.vendor.name],
            ["PPK", p.ppk.name],
            [t("Pejabat Pengadaan", "Procurement official"), p.official.name],
            [t("Pagu", "Budget ceiling"), <Money amount={p.pagu} />],
            [t("Ongkos kirim", "Shipping cost"), <Money amount={p.shipping_cost} />],
            [t("Total", "Total"), <Money amount={p.total} />],
            [t("Batas pengiriman", "Delivery deadline"), wibDate(p.delivery_deadline)],
            [t("E-mail ke penyedia (langkah 15)", "E-mail to the vendor (step 15)"), p.vendor_email ? `${p.vendor_email.status} · ${p.vendor_email.recipient ?? ""} · ${wib(p.vendor_email.sent_at)}` : "–"],
          ]}
        />
        <table>
          <caption>{t("Baris paket", "Package lines")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("Baris", "Line")}</th>
              <th scope="col">{t("Uraian", "Description")}</th>
              <th scope="col">{t("Jumlah", "Quantity")}</th>
              <th scope="col">{t("Harga satuan", "Unit price")}</th>
              <th scope="col">{t("Jumlah harga", "Line total")}</th>
            </tr>
          </thead>
          <tbody>
            {p.lines.map((line) => (
              <tr key={line.line_no}>
                <td>{line.line_no}</td>
                <td>{line.description}</td>
                <td>
                  {line.quantity} {line.unit}
                </td>
                <td>
                  <Money amount={line.unit_price} />
                </td>
                <td>
                  <Money amount={line.line_total} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t("Negosiasi (langkah 17)", "Negotiation (step 17)")} testid="negotiation">
        {p.negotiation.length === 0 ? (
          <p>{t("Belum ada putaran negosiasi.", "No negotiation round yet.")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("Putaran", "Round")}</th>
                <th scope="col">{t("Status", "Status")}</th>
                <th scope="col">{t("Usulan", "Proposed")}</th>
                <th scope="col">{t("Penawaran balik", "Counter")}</th>
                <th scope="col">{t("Alasan", "Reason")}</th>
              </tr>
            </thead>
            <tbody>
              {p.negotiation.map((round) => (
                <tr key={round.round}>
                  <td>{round.round}</td>
                  <td>{round.status}</td>
                  <td>
                    {Object.entries(round.proposed_prices).map(([line, price]) => `${line}: ${rupiah(Number(price))}`).join(", ")} + {rupiah(round.proposed_shipping_cost)}
                  </td>
                  <td>
                    {round.counter_prices
                      ? `${Object.entries(round.counter_prices).map(([line, price]) => `${line}: ${rupiah(Number(price))}`).join(", ")} + ${rupiah(round.counter_shipping_cost)}`
                      : "–"}
                  </td>
                  <td>{round.reason ?? round.note ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={t("Tindakan", "Actions")} testid="actions">
        <PackageActions p={p} done={reload} />
      </Section>
      {order && (
        <Section title={`${t("Surat Pesanan", "Purchase order")} ${order.number}`} testid="purchase-order">
          <Dl
            rows={[
              [t("Tanggal", "Date"), wibDate(order.order_date)],
              [t("Versi", "Version"), String(order.version)],
              [t("Nilai awal", "Original total"), <Money amount={order.original_total} />],
              [t("Diterima penyedia", "Acknowledged"), wib(order.acknowledged_at)],
            ]}
          />
          <table>
            <caption>{t("Versi dan adendum", "Versions and addenda")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("Versi", "Version")}</th>
                <th scope="col">{t("Total", "Total")}</th>
                <th scope="col">{t("Alasan", "Reason")}</th>
                <th scope="col">{t("Waktu", "When")}</th>
              </tr>
            </thead>
            <tbody>
              {order.versions.map((version) => (
                <tr key={version.version}>
                  <td>{version.version}</td>
                  <td>
                    <Money amount={version.total} />
                  </td>
                  <td>{version.reason ?? "–"}</td>
                  <td>{wib(version.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {currentSession()?.claims.role !== "vendor" && <History procurementId={p.procurement_id} />}
    </main>
  );
}

function PackageActions({ p, done }: { p: Package; done: () => void | Promise<void> }) {
  const action = useAction();
  const allowed = p.allowed_actions;
  const path = { params: { path: { package_id: p.id } }, headers: ifMatch(p.version) };
  const lastRound = p.negotiation[p.negotiation.length - 1];
  const round = lastRound?.round ?? 1;
  const roundPath = { params: { path: { package_id: p.id, round } }, headers: ifMatch(p.version) };
  const simple: [string, string, () => Promise<unknown>][] = [
    ["process", t("Proses paket (langkah 14)", "Process the package (step 14)"), async () => unwrap(await ordering.POST("/packages/{package_id}/process", path))],
    ["accept_proposal", t("Setujui harga usulan (langkah 17a)", "Agree to the proposed price (step 17a)"), async () => unwrap(await ordering.POST("/packages/{package_id}/negotiation/proposals/{round}/accept", roundPath))],
    ["accept_counter", t("Terima penawaran balik penyedia (langkah 17a)", "Accept the vendor's counter-prices (step 17a)"), async () => unwrap(await ordering.POST("/packages/{package_id}/negotiation/accept-counter", path))],
    ["approve", t("Setujui permintaan pembelian (langkah 18)", "Approve the purchase request (step 18)"), async () => unwrap(await ordering.POST("/packages/{package_id}/approve", path))],
    ["send_to_ppk", t("Kirim paket ke PPK (langkah 19)", "Send the package to the PPK (step 19)"), async () => unwrap(await ordering.POST("/packages/{package_id}/send-to-ppk", path))],
    ["ppk_approve", t("Setujui paket (langkah 20a)", "Approve the package (step 20a)"), async () => unwrap(await ordering.POST("/packages/{package_id}/ppk-approve", path))],
    ["acknowledge_order", t("Terima Surat Pesanan (langkah 22)", "Acknowledge the purchase order (step 22)"), async () => unwrap(await ordering.POST("/packages/{package_id}/purchase-order/acknowledge", path))],
  ];
  if (allowed.length === 0) return <p>{t("Tidak ada tindakan untuk Anda pada status ini.", "No action of yours in this state.")}</p>;
  return (
    <div className="actions">
      <ProblemView problem={action.problem} shown={["reason"]} />
      {simple
        .filter(([name]) => allowed.includes(name))
        .map(([name, label, call]) => (
          <ActionButton key={name} action={name} label={label} busy={action.busy} onClick={() => void action.run(call, done)} />
        ))}
      {allowed.includes("propose") && <ProposalForm p={p} done={done} />}
      {allowed.includes("reject_proposal") && <RejectForm p={p} round={round} done={done} />}
      {allowed.includes("ppk_reject") && (
        <ReasonForm action="ppk_reject" label={t("Tolak paket (langkah 20b)", "Reject the package (step 20b)")}
          call={async (reason) => unwrap(await ordering.POST("/packages/{package_id}/ppk-reject", { ...path, body: { reason } }))} done={done} />
      )}
      {allowed.includes("issue_purchase_order") && <PurchaseOrderForm p={p} done={done} />}
      {allowed.includes("amend_order") && <AddendumForm p={p} done={done} />}
      {allowed.includes("cancel") && (
        <ReasonForm action="cancel" label={t("Batalkan paket", "Cancel the package")}
          call={async (reason) => unwrap(await ordering.POST("/packages/{package_id}/cancel", { ...path, body: { reason } }))} done={done} />
      )}
    </div>
  );
}

function ReasonForm({ action: name, label, call, done }: { action: string; label: string; call: (reason: string) => Promise<unknown>; done: () => void | Promise<void> }) {
  const action = useAction();
  const [reason, setReason] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(() => call(reason), done);
      }}
    >
      <ProblemView problem={action.problem} shown={["reason"]} />
      <Field label={`${t("Alasan", "Reason")} (${label})`} name="reason" problem={action.problem}>
        {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ActionButton action={name} type="submit" kind="danger" busy={action.busy} label={label} />
    </form>
  );
}

/** Prices per line and shipping, with the rule (not above the vendor's last price, at least Rp1)
 * checked as the user types; the service's refusal is shown next to the field it names. */
function PriceInputs({
  p, prices, setPrices, shipping, setShipping, problem, field, shippingField,
}: {
  p: Package;
  prices: Record<number, string>;
  setPrices: (next: Record<number, string>) => void;
  shipping: string;
  setShipping: (next: string) => void;
  problem: Parameters<typeof Field>[0]["problem"];
  field: string;
  shippingField: string;
}) {
  const last = vendorLast(p);
  const rule = (typed: string, limit: number) => {
    const value = parseRupiah(typed);
    if (typed.trim() === "") return null;
    if (Number.isNaN(value)) return t("Isi angka rupiah", "Type an amount in rupiah");
    if (value > limit) return t(`Melebihi harga terakhir penyedia ${rupiah(limit)}`, `Above the vendor's last price ${rupiah(limit)}`);
    return null;
  };
  return (
    <>
      {p.lines.map((line) => (
        <Field key={line.line_no} name={field} problem={problem}
          label={`${t("Harga satuan baris", "Unit price, line")} ${line.line_no} (Rp)`}
          hint={`${t("Harga terakhir penyedia", "Vendor's last price")}: ${rupiah(last.prices[line.line_no])} · ${t("diketik", "typed")}: ${rupiah(parseRupiah(prices[line.line_no] ?? "") || 0)}`}
          warning={rule(prices[line.line_no] ?? "", last.prices[line.line_no] ?? 0)}>
          {(props) => <input {...props} inputMode="numeric" value={prices[line.line_no] ?? ""} onChange={(e) => setPrices({ ...prices, [line.line_no]: e.target.value })} />}
        </Field>
      ))}
      <Field name={shippingField} problem={problem} label={t("Ongkos kirim (Rp)", "Shipping cost (Rp)")}
        hint={`${t("Ongkos kirim terakhir penyedia", "Vendor's last shipping cost")}: ${rupiah(last.shipping)}`}
        warning={rule(shipping, last.shipping)}>
        {(props) => <input {...props} inputMode="numeric" value={shipping} onChange={(e) => setShipping(e.target.value)} />}
      </Field>
    </>
  );
}

function ProposalForm({ p, done }: { p: Package; done: () => void | Promise<void> }) {
  const action = useAction();
  const [prices, setPrices] = useState<Record<number, string>>({});
  const [shipping, setShipping] = useState(String(vendorLast(p).shipping));
  const [note, setNote] = useState("");
  return (
    <form
      data-testid="proposal-form"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () =>
          unwrap(
            await ordering.POST("/packages/{package_id}/negotiation/proposals", {
              params: { path: { package_id: p.id } },
              headers: ifMatch(p.version),
              body: {
                prices: p.lines.map((line) => ({ line_no: line.line_no, unit_price: parseRupiah(prices[line.line_no] ?? "") })),
                shipping_cost: parseRupiah(shipping),
                note: note || null,
              },
            }),
          ), done);
      }}
    >
      <h3>{t("Usulan harga negosiasi (langkah 17)", "Negotiation proposal (step 17)")}</h3>
      <ProblemView problem={action.problem} shown={["prices", "shipping_cost"]} />
      <PriceInputs p={p} prices={prices} setPrices={setPrices} shipping={shipping} setShipping={setShipping} problem={action.problem} field="prices" shippingField="shipping_cost" />
      <Field label={t("Catatan", "Note")} name="note" problem={action.problem}>
        {(props) => <input {...props} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <ActionButton action="propose" type="submit" busy={action.busy} label={t("Kirim usulan harga (langkah 17)", "Send the proposal (step 17)")} />
    </form>
  );
}

function RejectForm({ p, round, done }: { p: Package; round: number; done: () => void | Promise<void> }) {
  const action = useAction();
  const [prices, setPrices] = useState<Record<number, string>>({});
  const [shipping, setShipping] = useState(String(vendorLast(p).shipping));
  const [reason, setReason] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const countering = Object.values(prices).some((v) => v.trim() !== "");
        void action.run(async () =>
          unwrap(
            await ordering.POST("/packages/{package_id}/negotiation/proposals/{round}/reject", {
              params: { path: { package_id: p.id, round } },
              headers: ifMatch(p.version),
              body: {
                counter_prices: countering ? p.lines.map((line) => ({ line_no: line.line_no, unit_price: parseRupiah(prices[line.line_no] ?? "") })) : null,
                counter_shipping_cost: countering ? parseRupiah(shipping) : null,
                reason: reason || null,
              },
            }),
          ), done);
      }}
    >
      <h3>{t("Tolak usulan dengan penawaran balik (langkah 17b)", "Reject with counter-prices (step 17b)")}</h3>
      <ProblemView problem={action.problem} shown={["counter_prices", "counter_shipping_cost", "reason"]} />
      <PriceInputs p={p} prices={prices} setPrices={setPrices} shipping={shipping} setShipping={setShipping} problem={action.problem} field="counter_prices" shippingField="counter_shipping_cost" />
      <Field label={t("Alasan", "Reason")} name="reason" problem={action.problem}>
        {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ActionButton action="reject_proposal" type="submit" kind="danger" busy={action.busy} label={t("Tolak usulan (langkah 17b)", "Reject the proposal (step 17b)")} />
    </form>
  );
}

function PurchaseOrderForm({ p, done }: { p: Package; done: () => void | Promise<void> }) {
  const action = useAction();
  const [signatory, setSignatory] = useState(currentSession()?.claims.name ?? p.ppk.name);
  const [terms, setTerms] = useState("");
  const [file, setFile] = useState<File | null>(null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () =>
          unwrap(
            await ordering.POST("/packages/{package_id}/purchase-order", {
              params: { path: { package_id: p.id } },
              headers: ifMatch(p.version),
              body: { signatory, terms, document: "" },
              bodySerializer: multipart({ signatory, terms, document: file }),
            }),
          ), done);
      }}
    >
      <h3>{t("Terbitkan Surat Pesanan (langkah 21)", "Issue the purchase order (step 21)")}</h3>
      <ProblemView problem={action.problem} shown={["signatory", "terms", "document"]} />
      <Field label={t("Penandatangan", "Signatory")} name="signatory" problem={action.problem}>
        {(props) => <input {...props} value={signatory} onChange={(e) => setSignatory(e.target.value)} />}
      </Field>
      <Field label={t("Syarat dan ketentuan", "Terms")} name="terms" problem={action.problem}>
        {(props) => <textarea {...props} rows={2} value={terms} onChange={(e) => setTerms(e.target.value)} />}
      </Field>
      <FileField label={t("Surat Pesanan bertanda tangan", "Signed purchase order")} name="document" problem={action.problem} onFile={setFile} required />
      <ActionButton action="issue_purchase_order" type="submit" busy={action.busy} label={t("Terbitkan Surat Pesanan (langkah 21)", "Issue the purchase order (step 21)")} />
    </form>
  );
}

function AddendumForm({ p, done }: { p: Package; done: () => void | Promise<void> }) {
  const action = useAction();
  const [reason, setReason] = useState("");
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [file, setFile] = useState<File | null>(null);
  const changed = p.lines.filter((line) => (quantities[line.line_no] ?? "").trim() !== "");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () =>
          unwrap(
            await ordering.POST("/packages/{package_id}/purchase-order/addenda", {
              params: { path: { package_id: p.id } },
              headers: ifMatch(p.version),
              body: { reason, document: "" },
              bodySerializer: multipart({
                reason,
                document: file,
                line_no: changed.map((line) => String(line.line_no)),
                quantity: changed.map((line) => quantities[line.line_no] ?? ""),
              }),
            }),
          ), done);
      }}
    >
      <h3>{t("Adendum Surat Pesanan (langkah 24a)", "Purchase order addendum (step 24a)")}</h3>
      <ProblemView problem={action.problem} shown={["reason", "quantity", "line_no", "document"]} />
      <Field label={t("Alasan adendum", "Reason for the addendum")} name="reason" problem={action.problem}>
        {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      {p.lines.map((line) => (
        <Field key={line.line_no} name="quantity" problem={action.problem} label={`${t("Jumlah baru baris", "New quantity, line")} ${line.line_no}`}
          hint={`${t("sekarang", "now")} ${line.quantity} ${line.unit}`}>
          {(props) => <input {...props} type="number" value={quantities[line.line_no] ?? ""} onChange={(e) => setQuantities({ ...quantities, [line.line_no]: e.target.value })} />}
        </Field>
      ))}
      <FileField label={t("Adendum bertanda tangan", "Signed addendum")} name="document" problem={action.problem} onFile={setFile} required />
      <ActionButton action="amend_order" type="submit" kind="secondary" busy={action.busy} label={t("Simpan adendum (langkah 24a)", "Record the addendum (step 24a)")} />
    </form>
  );
}
