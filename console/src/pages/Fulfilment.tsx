// Steps 23 and 25–27 on delivery: preparation (23), the shipping history (25), inspection (BAP),
// handover (BAST) and the payments in instalments (26), completion (27).
import { useState } from "react";
import { delivery, ifMatch, multipart, unwrap, type Fulfilment } from "../api/client";
import { currentSession } from "../auth";
import { parseRupiah, rupiah, wib, wibDate } from "../format";
import { t } from "../i18n";
import {
  ActionButton, Dl, Field, FileField, Link, Loading, Money, ProblemView, Section, StateBadge, turnOf, TurnView, useAction, useLoad,
} from "../ui";
import { History } from "./History";

const STATUSES = ["packed", "shipped", "in_transit", "delivered"] as const;
type Status = (typeof STATUSES)[number];
const STATUS_NAMES: Record<Status, [string, string]> = {
  packed: ["Dikemas", "Packed"],
  shipped: ["Dikirim", "Shipped"],
  in_transit: ["Dalam perjalanan", "In transit"],
  delivered: ["Diterima di tujuan", "Delivered"],
};

export function FulfilmentDetail({ id }: { id: string }) {
  const { data, problem, reload } = useLoad(async () => unwrap(await delivery.GET("/fulfilments/{procurement_id}", { params: { path: { procurement_id: id } } })), [id]);
  if (!data) return <Loading problem={problem} />;
  const f = data;
  return (
    <main aria-labelledby="f-title">
      <h1 id="f-title">
        {t("Pengiriman dan pembayaran", "Delivery and payment")}: {f.order.order_number}
      </h1>
      <p>
        <StateBadge state={f.state} /> <Link to={`/procurements/${f.procurement_id}`}>{t("Riwayat pengadaan", "Procurement history")}</Link>
        {" · "}
        <Link to={`/packages/${f.package_id}`}>{t("Paket dan Surat Pesanan", "Package and purchase order")}</Link>
      </p>
      <TurnView turn={turnOf(f)} />
      <Section title={t("Pesanan", "Order")}>
        <Dl
          rows={[
            [t("Penyedia", "Vendor"), f.vendor.name],
            ["PPK", f.ppk.name],
            [t("Versi Surat Pesanan", "Order version"), String(f.order.version)],
            [t("Total", "Total"), <Money amount={f.order.total} />],
            [t("Sudah dibayar", "Paid so far"), <Money amount={f.paid_total} />],
            [t("Sisa", "Remaining"), <Money amount={f.remaining} />],
            [t("Alamat", "Address"), f.order.delivery_address],
            [t("Batas pengiriman", "Delivery deadline"), wibDate(f.order.delivery_deadline)],
            [t("Diterima", "Delivered"), wib(f.delivered_at)],
            ["BAP", f.bap ? `${f.bap.document.filename} · ${wib(f.bap.recorded_at)}` : "–"],
            ["BAST", f.bast ? `${f.bast.document.filename} · ${wib(f.bast.recorded_at)}` : "–"],
          ]}
        />
      </Section>
      <Section title={t("Riwayat pengiriman (langkah 25)", "Shipping history (step 25)")} testid="shipments">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("Status", "Status")}</th>
              <th scope="col">{t("Waktu", "When")}</th>
              <th scope="col">{t("Kurir / resi", "Courier / tracking")}</th>
              <th scope="col">{t("Catatan", "Note")}</th>
            </tr>
          </thead>
          <tbody>
            {f.shipments.map((s) => (
              <tr key={s.entry_no}>
                <td>{s.entry_no}</td>
                <td>{STATUS_NAMES[s.status as Status] ? t(...STATUS_NAMES[s.status as Status]) : s.status}</td>
                <td>{wib(s.happened_at)}</td>
                <td>
                  {s.courier ?? ""} {s.tracking_number ?? ""}
                </td>
                <td>{s.note ?? ""}</td>
              </tr>
            ))}
            {f.shipments.length === 0 && (
              <tr>
                <td colSpan={5}>{t("Belum ada.", "None yet.")}</td>
              </tr>
            )}
          </tbody>
        </table>
      </Section>
      <Section title={t("Pembayaran (langkah 26)", "Payments (step 26)")} testid="payments">
        <ul>
          {f.payments.map((payment) => (
            <li key={payment.payment_no}>
              {t("Termin", "Instalment")} {payment.payment_no}: {rupiah(payment.amount)} ({t("total dibayar", "paid so far")} {rupiah(payment.paid_so_far)}) · {wib(payment.recorded_at)}
            </li>
          ))}
          {f.payments.length === 0 && <li>{t("Belum ada.", "None yet.")}</li>}
        </ul>
      </Section>
      <Section title={t("Tindakan", "Actions")} testid="actions">
        <FulfilmentActions f={f} done={reload} />
      </Section>
      {currentSession()?.claims.role !== "vendor" && <History procurementId={f.procurement_id} />}
    </main>
  );
}

function FulfilmentActions({ f, done }: { f: Fulfilment; done: () => void | Promise<void> }) {
  const action = useAction();
  const allowed = f.allowed_actions;
  const path = { params: { path: { procurement_id: f.procurement_id } }, headers: ifMatch(f.version) };
  const [status, setStatus] = useState<Status>(STATUSES.find((s) => !f.shipments.some((x) => x.status === s)) ?? "delivered");
  const [courier, setCourier] = useState("");
  const [tracking, setTracking] = useState("");
  const [note, setNote] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [receipt, setReceipt] = useState<File | null>(null);
  const [amount, setAmount] = useState(String(f.remaining));
  if (allowed.length === 0) return <p>{t("Tidak ada tindakan untuk Anda pada status ini.", "No action of yours in this state.")}</p>;
  const shown = ["status", "courier", "tracking_number", "note", "document", "bap", "bast", "amount", "payment_document", "receipt"];
  return (
    <div className="actions">
      <ProblemView problem={action.problem} shown={shown} />
      {allowed.includes("start_preparation") && (
        <ActionButton action="start_preparation" busy={action.busy} label={t("Mulai menyiapkan barang (langkah 23)", "Start preparing the goods (step 23)")}
          onClick={() => void action.run(async () => unwrap(await delivery.POST("/fulfilments/{procurement_id}/start-preparation", path)), done)} />
      )}
      {allowed.includes("record_shipment") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () =>
              unwrap(
                await delivery.POST("/fulfilments/{procurement_id}/shipments", {
                  ...path,
                  body: { status },
                  bodySerializer: multipart({ status, courier, tracking_number: tracking, note, document: file }),
                }),
              ), async () => {
                setNote("");
                await done();
              });
          }}
        >
          <h3>{t("Status pengiriman (langkah 25)", "Shipping status (step 25)")}</h3>
          <div className="grid">
            <Field label={t("Status", "Status")} name="status" problem={action.problem}>
              {(props) => (
                <select {...props} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(...STATUS_NAMES[s])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("Kurir", "Courier")} name="courier" problem={action.problem}>
              {(props) => <input {...props} value={courier} onChange={(e) => setCourier(e.target.value)} />}
            </Field>
            <Field label={t("Nomor resi", "Tracking number")} name="tracking_number" problem={action.problem}>
              {(props) => <input {...props} value={tracking} onChange={(e) => setTracking(e.target.value)} />}
            </Field>
            <Field label={t("Catatan", "Note")} name="note" problem={action.problem}>
              {(props) => <input {...props} value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          </div>
          <FileField label={t("Surat jalan (opsional)", "Delivery note (optional)")} name="document" problem={action.problem} onFile={setFile} />
          <ActionButton action="record_shipment" type="submit" busy={action.busy} label={t("Catat status pengiriman (langkah 25)", "Record the shipping status (step 25)")} />
        </form>
      )}
      {(allowed.includes("inspect_goods") || allowed.includes("hand_over_goods")) && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => {
              if (allowed.includes("inspect_goods")) {
                unwrap(await delivery.POST("/fulfilments/{procurement_id}/inspection", { ...path, body: { bap: "" }, bodySerializer: multipart({ bap: file, note }) }));
              } else {
                unwrap(await delivery.POST("/fulfilments/{procurement_id}/handover", { ...path, body: { bast: "" }, bodySerializer: multipart({ bast: file, note }) }));
              }
            }, done);
          }}
        >
          {allowed.includes("inspect_goods") ? (
            <FileField label={t("Berita Acara Pemeriksaan (BAP)", "Inspection report (BAP)")} name="bap" problem={action.problem} onFile={setFile} required />
          ) : (
            <FileField label={t("Berita Acara Serah Terima (BAST)", "Handover report (BAST)")} name="bast" problem={action.problem} onFile={setFile} required />
          )}
          <Field label={t("Catatan", "Note")} name="note" problem={action.problem}>
            {(props) => <input {...props} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          {allowed.includes("inspect_goods") ? (
            <ActionButton action="inspect_goods" type="submit" busy={action.busy} label={t("Catat pemeriksaan barang (langkah 26)", "Record the inspection (step 26)")} />
          ) : (
            <ActionButton action="hand_over_goods" type="submit" busy={action.busy} label={t("Catat serah terima (langkah 26)", "Record the handover (step 26)")} />
          )}
        </form>
      )}
      {allowed.includes("record_payment") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () =>
              unwrap(
                await delivery.POST("/fulfilments/{procurement_id}/payments", {
                  ...path,
                  body: { amount: parseRupiah(amount), payment_document: "", receipt: "" },
                  bodySerializer: multipart({ amount: String(parseRupiah(amount)), note, payment_document: file, receipt }),
                }),
              ), done);
          }}
        >
          <h3>{t("Pembayaran (langkah 26)", "Payment (step 26)")}</h3>
          <Field label={t("Jumlah (Rp)", "Amount (Rp)")} name="amount" problem={action.problem}
            hint={`${t("sisa", "remaining")} ${rupiah(f.remaining)} · ${t("diketik", "typed")} ${rupiah(parseRupiah(amount) || 0)}`}
            warning={parseRupiah(amount) > f.remaining ? t("Melebihi sisa pembayaran", "Above what remains to pay") : null}>
            {(props) => <input {...props} inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} />}
          </Field>
          <FileField label={t("SP2D / bukti pembayaran", "SP2D / payment document")} name="payment_document" problem={action.problem} onFile={setFile} required />
          <FileField label={t("Kuitansi", "Receipt")} name="receipt" problem={action.problem} onFile={setReceipt} required />
          <ActionButton action="record_payment" type="submit" busy={action.busy} label={t("Catat pembayaran (langkah 26)", "Record the payment (step 26)")} />
        </form>
      )}
      {allowed.includes("complete_package") && (
        <ActionButton action="complete_package" busy={action.busy} label={t("Selesaikan paket (langkah 27)", "Complete the package (step 27)")}
          onClick={() => void action.run(async () => unwrap(await delivery.POST("/fulfilments/{procurement_id}/complete", path)), done)} />
      )}
    </div>
  );
}
