// Steps 1–6: the PPK's purchase request with its documents (1–3), the official's acceptance or
// return (4), and the start of a mini-competition over it (6–7).
import { useEffect, useState } from "react";
import { competition, ifMatch, multipart, unwrap, type PurchaseRequest } from "../api/client";
import { currentSession, developmentPeople, type Person } from "../auth";
import { wibDate, wibDayIn } from "../format";
import { t } from "../i18n";
import {
  ActionButton, Dl, Field, FileField, Link, Loading, Money, navigate, ProblemView, Section, StateBadge, turnOf,
  TurnView, useAction, useLoad,
} from "../ui";
import { History } from "./History";

export function NewRequest() {
  const action = useAction();
  const [form, setForm] = useState({
    rup_code: "", fiscal_year: String(new Date().getFullYear()), dpa_number: "", pagu: "", title: "",
    specification: "", delivery_address: "", delivery_date: wibDayIn(30), category: "", description: "",
    quantity: "1", unit: "unit",
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((old) => ({ ...old, [name]: event.target.value }));
  const text = (name: keyof typeof form, label: string, type = "text", field: string = name) => (
    <Field label={label} name={field} problem={action.problem}>
      {(props) => <input {...props} type={type} value={form[name]} onChange={set(name)} />}
    </Field>
  );
  const shown = ["rup_code", "fiscal_year", "dpa_number", "pagu", "title", "specification", "delivery_address", "delivery_date", "items"];
  return (
    <main aria-labelledby="new-title">
      <h1 id="new-title">{t("Permintaan pembelian baru (langkah 1–2)", "New purchase request (steps 1–2)")}</h1>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            const created = unwrap(
              await competition.POST("/purchase-requests", {
                headers: { "Idempotency-Key": crypto.randomUUID() },
                body: {
                  rup_code: form.rup_code, fiscal_year: Number(form.fiscal_year), dpa_number: form.dpa_number,
                  pagu: Number(form.pagu.replace(/[^0-9]/g, "")), title: form.title, specification: form.specification,
                  delivery_address: form.delivery_address, delivery_date: form.delivery_date,
                  items: [{ category: form.category, description: form.description, quantity: Number(form.quantity), unit: form.unit }],
                },
              }),
            );
            navigate(`/requests/${created.id}`);
          });
        }}
      >
        <ProblemView problem={action.problem} shown={shown} />
        <div className="grid">
          {text("rup_code", t("Kode RUP", "RUP code"))}
          {text("fiscal_year", t("Tahun anggaran", "Fiscal year"), "number")}
          {text("dpa_number", t("Nomor DPA", "DPA number"))}
          {text("pagu", t("Pagu (Rp)", "Budget ceiling (Rp)"), "text")}
          {text("title", t("Judul", "Title"))}
          {text("delivery_address", t("Alamat pengiriman", "Delivery address"))}
          {text("delivery_date", t("Tanggal pengiriman", "Delivery date"), "date")}
        </div>
        <Field label={t("Spesifikasi", "Specification")} name="specification" problem={action.problem}>
          {(props) => <textarea {...props} value={form.specification} onChange={set("specification")} rows={3} />}
        </Field>
        <fieldset>
          <legend>{t("Barang (baris 1)", "Item (line 1)")}</legend>
          <div className="grid">
            {text("category", t("Kategori katalog", "Catalogue category"), "text", "items.0.category")}
            {text("description", t("Uraian", "Description"), "text", "items.0.description")}
            {text("quantity", t("Jumlah", "Quantity"), "number", "items.0.quantity")}
            {text("unit", t("Satuan", "Unit"), "text", "items.0.unit")}
          </div>
        </fieldset>
        <ActionButton action="draft" type="submit" busy={action.busy} label={t("Simpan draf (langkah 1)", "Save draft (step 1)")} />
      </form>
    </main>
  );
}

export function RequestDetail({ id }: { id: string }) {
  const { data, problem, reload } = useLoad(
    async () => unwrap(await competition.GET("/purchase-requests/{request_id}", { params: { path: { request_id: id } } })),
    [id],
  );
  if (!data) return <Loading problem={problem} />;
  const r = data;
  return (
    <main aria-labelledby="pr-title">
      <h1 id="pr-title">
        {t("Permintaan pembelian", "Purchase request")}: {r.title}
      </h1>
      <p>
        <StateBadge state={r.state} /> <Link to={`/procurements/${r.id}`}>{t("Riwayat pengadaan", "Procurement history")}</Link>
      </p>
      <TurnView turn={turnOf(r)} />
      {r.return_reason && (
        <p className="problem" role="status">
          {t("Dikembalikan", "Returned")}: {r.return_reason}
        </p>
      )}
      <Section title={t("Data permintaan", "Request")}>
        <Dl
          rows={[
            [t("Kode RUP", "RUP code"), r.rup_code],
            [t("Tahun anggaran", "Fiscal year"), r.fiscal_year],
            [t("Nomor DPA", "DPA number"), r.dpa_number],
            [t("Pagu", "Budget ceiling"), <Money amount={r.pagu} />],
            ["PPK", r.ppk_name],
            [t("Pejabat Pengadaan", "Procurement official"), r.official?.name ?? "–"],
            [t("Alamat pengiriman", "Delivery address"), r.delivery_address],
            [t("Tanggal pengiriman", "Delivery date"), wibDate(r.delivery_date)],
            [t("Spesifikasi", "Specification"), r.specification],
          ]}
        />
        <table>
          <caption>{t("Barang", "Items")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("Kategori", "Category")}</th>
              <th scope="col">{t("Uraian", "Description")}</th>
              <th scope="col">{t("Jumlah", "Quantity")}</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((item, i) => (
              <tr key={i}>
                <td>{item.category}</td>
                <td>{item.description}</td>
                <td>
                  {item.quantity} {item.unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t("Dokumen (nota dinas)", "Documents (nota dinas)")} testid="documents">
        <ul>
          {r.documents.map((document) => (
            <li key={document.id}>
              {document.kind}: {document.filename} ({Math.ceil(document.size / 1024)} KiB)
            </li>
          ))}
          {r.documents.length === 0 && <li>{t("Belum ada dokumen.", "No documents yet.")}</li>}
        </ul>
        {r.allowed_actions.includes("attach_document") && <AttachDocument request={r} done={reload} />}
      </Section>
      <Section title={t("Tindakan", "Actions")} testid="actions">
        <RequestActions request={r} done={reload} />
      </Section>
      <Competitions requestId={r.id} />
      <History procurementId={r.id} />
    </main>
  );
}

function AttachDocument({ request, done }: { request: PurchaseRequest; done: () => void | Promise<void> }) {
  const action = useAction();
  const [kind, setKind] = useState<"nota_dinas" | "specification">("nota_dinas");
  const [file, setFile] = useState<File | null>(null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          unwrap(
            await competition.POST("/purchase-requests/{request_id}/documents", {
              params: { path: { request_id: request.id } },
              headers: ifMatch(request.version),
              body: { kind, file: "" },
              bodySerializer: multipart({ kind, file }),
            }),
          );
        }, done);
      }}
    >
      <ProblemView problem={action.problem} shown={["kind", "file"]} />
      <Field label={t("Jenis dokumen", "Document kind")} name="kind" problem={action.problem}>
        {(props) => (
          <select {...props} value={kind} onChange={(event) => setKind(event.target.value as "nota_dinas" | "specification")}>
            <option value="nota_dinas">Nota dinas</option>
            <option value="specification">{t("Spesifikasi", "Specification")}</option>
          </select>
        )}
      </Field>
      <FileField label={t("Berkas", "File")} name="file" problem={action.problem} onFile={setFile} required />
      <ActionButton action="attach_document" type="submit" busy={action.busy} label={t("Lampirkan dokumen (langkah 2)", "Attach document (step 2)")} />
    </form>
  );
}

function RequestActions({ request, done }: { request: PurchaseRequest; done: () => void | Promise<void> }) {
  const action = useAction();
  const [officials, setOfficials] = useState<Person[]>([]);
  const [official, setOfficial] = useState({ id: request.official?.id ?? "", name: request.official?.name ?? "" });
  const [reason, setReason] = useState("");
  const allowed = request.allowed_actions;
  useEffect(() => {
    if (!allowed.includes("submit")) return;
    developmentPeople()
      .then((people) => {
        const found = people.filter((p) => p.role === "procurement_official" && p.work_unit === request.work_unit);
        setOfficials(found);
        if (!official.id && found[0]) setOfficial({ id: found[0].id, name: found[0].name });
      })
      .catch(() => undefined); // production: the PPK types the official's id and name
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed.join()]);
  const path = { params: { path: { request_id: request.id } }, headers: ifMatch(request.version) };
  if (allowed.length === 0) return <p>{t("Tidak ada tindakan untuk Anda pada status ini.", "No action of yours in this state.")}</p>;
  return (
    <div className="actions">
      <ProblemView problem={action.problem} shown={["official", "reason", "kind", "category", "product_id"]} />
      {allowed.includes("submit") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => unwrap(await competition.POST("/purchase-requests/{request_id}/submit", { ...path, body: { official } })), done);
          }}
        >
          <div className="grid">
            <Field label={t("ID Pejabat Pengadaan", "Official's id")} name="official.id" problem={action.problem}
              hint={officials.length ? officials.map((o) => `${o.id} (${o.name})`).join(", ") : undefined}>
              {(props) => <input {...props} value={official.id} onChange={(e) => setOfficial({ ...official, id: e.target.value })} />}
            </Field>
            <Field label={t("Nama Pejabat Pengadaan", "Official's name")} name="official.name" problem={action.problem}>
              {(props) => <input {...props} value={official.name} onChange={(e) => setOfficial({ ...official, name: e.target.value })} />}
            </Field>
          </div>
          <ActionButton action="submit" type="submit" busy={action.busy} label={t("Kirim ke Pejabat Pengadaan (langkah 3)", "Send to the official (step 3)")} />
        </form>
      )}
      {allowed.includes("accept") && (
        <ActionButton action="accept" busy={action.busy} label={t("Terima permintaan (langkah 4)", "Accept the request (step 4)")}
          onClick={() => void action.run(async () => unwrap(await competition.POST("/purchase-requests/{request_id}/accept", path)), done)} />
      )}
      {allowed.includes("return") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => unwrap(await competition.POST("/purchase-requests/{request_id}/return", { ...path, body: { reason } })), done);
          }}
        >
          <Field label={t("Alasan pengembalian", "Reason for returning")} name="reason" problem={action.problem}>
            {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <ActionButton action="return" type="submit" kind="danger" busy={action.busy} label={t("Kembalikan ke PPK (langkah 4)", "Return to the PPK (step 4)")} />
        </form>
      )}
      {allowed.includes("start_competition") && <StartCompetition request={request} />}
    </div>
  );
}

function StartCompetition({ request }: { request: PurchaseRequest }) {
  const action = useAction();
  const [kind, setKind] = useState<"specification" | "product">("specification");
  const [category, setCategory] = useState(request.items[0]?.category ?? "");
  const [productId, setProductId] = useState("");
  const products = useLoad(
    async () => unwrap(await competition.GET("/catalogue/products", { params: { query: { category, limit: 200 } } })).items,
    [category],
  );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          const created = unwrap(
            await competition.POST("/competitions", {
              headers: { "Idempotency-Key": crypto.randomUUID() },
              body: { purchase_request_id: request.id, kind, ...(kind === "product" ? { product_id: productId } : { category }) },
            }),
          );
          navigate(`/competitions/${created.id}`);
        });
      }}
    >
      <h3>{t("Buat mini kompetisi (langkah 6–7)", "Create the mini-competition (steps 6–7)")}</h3>
      <ProblemView problem={action.problem} shown={["kind", "category", "product_id"]} />
      <div className="grid">
        <Field label={t("Jenis kompetisi", "Competition kind")} name="kind" problem={action.problem}>
          {(props) => (
            <select {...props} value={kind} onChange={(e) => setKind(e.target.value as "specification" | "product")}>
              <option value="specification">{t("Spesifikasi (kategori)", "Specification (category)")}</option>
              <option value="product">{t("Produk tertentu", "One product")}</option>
            </select>
          )}
        </Field>
        <Field label={t("Kategori katalog", "Catalogue category")} name="category" problem={action.problem}
          hint={`${products.data?.length ?? 0} ${t("produk di katalog", "catalogue products")}`}>
          {(props) => <input {...props} value={category} onChange={(e) => setCategory(e.target.value)} />}
        </Field>
        {kind === "product" && (
          <Field label={t("Produk", "Product")} name="product_id" problem={action.problem}>
            {(props) => (
              <select {...props} value={productId} onChange={(e) => setProductId(e.target.value)}>
                <option value="">–</option>
                {(products.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <ActionButton action="start_competition" type="submit" busy={action.busy} label={t("Buat draf mini kompetisi (langkah 6)", "Create the competition draft (step 6)")} />
    </form>
  );
}

function Competitions({ requestId }: { requestId: string }) {
  const role = currentSession()?.claims.role;
  const { data } = useLoad(async () => {
    if (role === "ppk" || role === "vendor") return [];
    return unwrap(await competition.GET("/competitions", { params: { query: { purchase_request_id: requestId, limit: 100 } } })).items;
  }, [requestId]);
  if (!data || data.length === 0) return null;
  return (
    <Section title={t("Mini kompetisi", "Mini-competitions")}>
      <ul>
        {data.map((c) => (
          <li key={c.id}>
            <Link to={`/competitions/${c.id}`}>
              {c.category} · {c.state}
            </Link>
          </li>
        ))}
      </ul>
    </Section>
  );
}
