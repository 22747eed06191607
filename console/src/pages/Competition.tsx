// Steps 7–13: the official drafts the competition (7–8), opens it with a deadline (9), each
// vendor's sealed offer with its revision and withdrawal (10), the leaderboard and evaluation
// (11), publication (12) and the package (13).
import { useState } from "react";
import { competition, ifMatch, unwrap, type Competition as CompetitionOut, type Leaderboard } from "../api/client";
import { currentSession } from "../auth";
import { parseRupiah, rupiah, wib, wibDate, wibDayIn, wibInputIn, wibInputToIso } from "../format";
import { t } from "../i18n";
import {
  ActionButton, Dl, Field, Link, Loading, Money, ProblemView, Section, StateBadge, turnOf, TurnView, useAction, useLoad,
} from "../ui";
import { History } from "./History";

export function CompetitionDetail({ id }: { id: string }) {
  const { data, problem, reload } = useLoad(async () => {
    const path = { params: { path: { competition_id: id } } };
    const found = unwrap(await competition.GET("/competitions/{competition_id}", path));
    const board = await competition.GET("/competitions/{competition_id}/leaderboard", path);
    return { competition: found, board: board.data ?? null };
  }, [id]);
  if (!data) return <Loading problem={problem} />;
  const c = data.competition;
  const allowed = c.allowed_actions;
  return (
    <main aria-labelledby="c-title">
      <h1 id="c-title">
        {t("Mini kompetisi", "Mini-competition")}: {c.category}
      </h1>
      <p>
        <StateBadge state={c.state} /> <Link to={`/procurements/${c.purchase_request_id}`}>{t("Riwayat pengadaan", "Procurement history")}</Link>
        {c.state === "published" || c.state === "package_generated" ? (
          <>
            {" · "}
            <Link to={`/public/competitions/${c.id}`}>{t("Halaman hasil publik", "Public result page")}</Link>
          </>
        ) : null}
        {c.package_id && (
          <>
            {" · "}
            <Link to={`/packages/${c.package_id}`}>{t("Paket e-purchasing", "E-purchasing package")}</Link>
          </>
        )}
      </p>
      <TurnView turn={turnOf(c)} />
      <Section title={t("Data kompetisi", "Competition")}>
        <Dl
          rows={[
            [t("Jenis", "Kind"), c.kind],
            [t("Produk", "Product"), c.product_name ?? "–"],
            [t("Pagu", "Budget ceiling"), <Money amount={c.pagu} />],
            [t("Batas pengiriman", "Delivery deadline"), wibDate(c.delivery_deadline)],
            [t("Batas penawaran", "Offer deadline"), wib(c.offer_deadline)],
            [t("Hasil", "Outcome"), c.outcome ? `${c.outcome}${c.failure_reason ? ` (${c.failure_reason})` : ""}` : "–"],
            [t("Penyedia yang memenuhi syarat", "Eligible vendors"), String(c.eligible_vendor_ids?.length ?? "–")],
          ]}
        />
      </Section>
      <Section title={t("Tindakan", "Actions")} testid="actions">
        <OfficialActions c={c} done={reload} />
        {(allowed.includes("submit_offer") || allowed.includes("revise_offer")) && <OfferForm c={c} board={data.board} done={reload} />}
        {allowed.length === 0 && <p>{t("Tidak ada tindakan untuk Anda pada status ini.", "No action of yours in this state.")}</p>}
      </Section>
      {data.board && <LeaderboardView board={data.board} />}
      {currentSession()?.claims.role !== "vendor" && <History procurementId={c.purchase_request_id} />}
    </main>
  );
}

function OfficialActions({ c, done }: { c: CompetitionOut; done: () => void | Promise<void> }) {
  const action = useAction();
  const allowed = c.allowed_actions;
  const [pagu, setPagu] = useState(c.pagu ? String(c.pagu) : "");
  const [deadline, setDeadline] = useState(c.delivery_deadline ?? wibDayIn(30));
  const [closes, setCloses] = useState(wibInputIn(3600));
  const path = { params: { path: { competition_id: c.id } }, headers: ifMatch(c.version) };
  const button = (name: "evaluate" | "publish" | "generate_package", label: string) =>
    allowed.includes(name) && (
      <ActionButton
        action={name}
        busy={action.busy}
        label={label}
        onClick={() =>
          void action.run(async () => {
            if (name === "evaluate") unwrap(await competition.POST("/competitions/{competition_id}/evaluate", path));
            if (name === "publish") unwrap(await competition.POST("/competitions/{competition_id}/publish", path));
            if (name === "generate_package") unwrap(await competition.POST("/competitions/{competition_id}/generate-package", path));
          }, done)
        }
      />
    );
  return (
    <div className="actions">
      <ProblemView problem={action.problem} shown={["pagu", "delivery_deadline", "offer_deadline"]} />
      {allowed.includes("edit") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(
              async () => unwrap(await competition.PATCH("/competitions/{competition_id}", { ...path, body: { pagu: parseRupiah(pagu), delivery_deadline: deadline } })),
              done,
            );
          }}
        >
          <h3>{t("Data kompetisi (langkah 8)", "Competition data (step 8)")}</h3>
          <div className="grid">
            <Field label={t("Pagu (Rp)", "Budget ceiling (Rp)")} name="pagu" problem={action.problem} hint={rupiah(parseRupiah(pagu) || 0)}>
              {(props) => <input {...props} inputMode="numeric" value={pagu} onChange={(e) => setPagu(e.target.value)} />}
            </Field>
            <Field label={t("Batas pengiriman", "Delivery deadline")} name="delivery_deadline" problem={action.problem}>
              {(props) => <input {...props} type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} />}
            </Field>
          </div>
          <ActionButton action="edit" type="submit" kind="secondary" busy={action.busy} label={t("Simpan data kompetisi (langkah 8)", "Save the competition data (step 8)")} />
        </form>
      )}
      {allowed.includes("open") && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(
              async () => unwrap(await competition.POST("/competitions/{competition_id}/open", { ...path, body: { offer_deadline: wibInputToIso(closes) } })),
              done,
            );
          }}
        >
          <h3>{t("Buka penawaran (langkah 9)", "Open for offers (step 9)")}</h3>
          <Field label={t("Batas penawaran (WIB)", "Offer deadline (WIB)")} name="offer_deadline" problem={action.problem}>
            {(props) => <input {...props} type="datetime-local" step={1} value={closes} onChange={(e) => setCloses(e.target.value)} />}
          </Field>
          <ActionButton action="open" type="submit" busy={action.busy} label={t("Buka mini kompetisi (langkah 9)", "Open the competition (step 9)")} />
        </form>
      )}
      {button("evaluate", t("Evaluasi penawaran (langkah 11)", "Evaluate the offers (step 11)"))}
      {button("publish", t("Umumkan hasil (langkah 12)", "Publish the result (step 12)"))}
      {button("generate_package", t("Buat paket e-purchasing (langkah 13)", "Generate the package (step 13)"))}
      {allowed.includes("withdraw_offer") && (
        <ActionButton
          action="withdraw_offer"
          kind="danger"
          busy={action.busy}
          label={t("Tarik penawaran (langkah 10)", "Withdraw the offer (step 10)")}
          onClick={() => void action.run(async () => unwrap(await competition.DELETE("/competitions/{competition_id}/offers/mine", { params: path.params })), done)}
        />
      )}
    </div>
  );
}

function OfferForm({ c, board, done }: { c: CompetitionOut; board: Leaderboard | null; done: () => void | Promise<void> }) {
  const action = useAction();
  const vendorId = currentSession()?.claims.vendor_id;
  const mine = board?.my_offer && !board.my_offer.withdrawn ? board.my_offer : null;
  const products = useLoad(
    async () =>
      unwrap(await competition.GET("/catalogue/products", { params: { query: { category: c.category, limit: 200 } } })).items.filter(
        (p) => p.vendor_id === vendorId && (!c.product_id || p.id === c.product_id),
      ),
    [c.id],
  );
  const [lines, setLines] = useState<Record<number, { product_id: string; unit_price: string }>>(
    Object.fromEntries((mine?.lines ?? []).map((l) => [l.line_no, { product_id: l.product_id, unit_price: String(l.unit_price) }])),
  );
  const [shipping, setShipping] = useState(String(mine?.shipping_cost ?? 0));
  const [days, setDays] = useState(String(mine?.delivery_days ?? 7));
  const revising = c.allowed_actions.includes("revise_offer");
  // The product shown first until the vendor picks another (the list may load after typing).
  const line = (no: number) => ({
    product_id: lines[no]?.product_id || products.data?.[0]?.id || "",
    unit_price: lines[no]?.unit_price ?? "",
  });
  const total = c.items.reduce((sum, item) => sum + item.quantity * (parseRupiah(line(item.line_no).unit_price) || 0), 0) + (parseRupiah(shipping) || 0);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const body = {
          lines: c.items.map((item) => ({ line_no: item.line_no, product_id: line(item.line_no).product_id, unit_price: parseRupiah(line(item.line_no).unit_price) })),
          shipping_cost: parseRupiah(shipping),
          delivery_days: Number(days),
        };
        void action.run(async () => {
          const params = { path: { competition_id: c.id } };
          if (revising) unwrap(await competition.PUT("/competitions/{competition_id}/offers/mine", { params, body }));
          else unwrap(await competition.POST("/competitions/{competition_id}/offers", { params, headers: { "Idempotency-Key": crypto.randomUUID() }, body }));
        }, done);
      }}
    >
      <h3>{revising ? t("Ubah penawaran tertutup (langkah 10)", "Revise the sealed offer (step 10)") : t("Penawaran tertutup (langkah 10)", "Sealed offer (step 10)")}</h3>
      {mine && (
        <p role="status">
          {t("Penawaran Anda", "Your offer")} #{mine.revision}: <Money amount={mine.evaluated_price} />
        </p>
      )}
      <ProblemView problem={action.problem} shown={["lines", "shipping_cost", "delivery_days"]} />
      {c.items.map((item, index) => {
        const chosen = products.data?.find((p) => p.id === line(item.line_no).product_id);
        const price = parseRupiah(line(item.line_no).unit_price);
        return (
          <fieldset key={item.line_no}>
            <legend>
              {t("Baris", "Line")} {item.line_no}: {item.description} ({item.quantity} {item.unit})
            </legend>
            <div className="grid">
              <Field label={t("Produk katalog", "Catalogue product")} name={`lines.${index}.product_id`} problem={action.problem}>
                {(props) => (
                  <select {...props} value={line(item.line_no).product_id}
                    onChange={(e) => setLines({ ...lines, [item.line_no]: { ...line(item.line_no), product_id: e.target.value } })}>
                    {(products.data ?? []).map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name} ({rupiah(p.unit_price)})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("Harga satuan (Rp)", "Unit price (Rp)")} name={`lines.${index}.unit_price`} problem={action.problem}
                hint={chosen ? `${t("maks. harga katalog", "at most the catalogue price")} ${rupiah(chosen.unit_price)}` : undefined}
                warning={chosen && price > chosen.unit_price ? t("Melebihi harga katalog", "Above the catalogue price") : null}>
                {(props) => (
                  <input {...props} inputMode="numeric" value={line(item.line_no).unit_price}
                    onChange={(e) => setLines({ ...lines, [item.line_no]: { ...line(item.line_no), unit_price: e.target.value } })} />
                )}
              </Field>
            </div>
          </fieldset>
        );
      })}
      <div className="grid">
        <Field label={t("Ongkos kirim (Rp)", "Shipping cost (Rp)")} name="shipping_cost" problem={action.problem}>
          {(props) => <input {...props} inputMode="numeric" value={shipping} onChange={(e) => setShipping(e.target.value)} />}
        </Field>
        <Field label={t("Lama pengiriman (hari)", "Delivery days")} name="delivery_days" problem={action.problem}>
          {(props) => <input {...props} type="number" value={days} onChange={(e) => setDays(e.target.value)} />}
        </Field>
      </div>
      <p>
        {t("Harga evaluasi", "Evaluated price")}: <Money amount={total} />
      </p>
      <ActionButton action={revising ? "revise_offer" : "submit_offer"} type="submit" busy={action.busy || !products.data}
        label={revising ? t("Simpan perubahan penawaran (langkah 10)", "Save the revised offer (step 10)") : t("Kirim penawaran (langkah 10)", "Submit the offer (step 10)")} />
    </form>
  );
}

function LeaderboardView({ board }: { board: Leaderboard }) {
  return (
    <Section title={t("Peringkat penawaran (langkah 11)", "Leaderboard (step 11)")} testid="leaderboard">
      {board.sealed ? (
        <p>
          {t("Penawaran tertutup sampai batas penawaran", "Offers are sealed until the deadline")} ({wib(board.offer_deadline)}).
          {board.offer_count !== null && board.offer_count !== undefined && ` ${board.offer_count} ${t("penawaran masuk", "offers in")}.`}
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("Peringkat", "Rank")}</th>
              <th scope="col">{t("Penyedia", "Vendor")}</th>
              <th scope="col">{t("Harga evaluasi", "Evaluated price")}</th>
            </tr>
          </thead>
          <tbody>
            {board.ranking.map((entry, i) => (
              <tr key={i}>
                <td>{entry.rank ?? "–"}</td>
                <td>
                  {entry.vendor_name} {entry.blacklisted ? `(${t("daftar hitam", "blacklisted")})` : ""}
                </td>
                <td>
                  <Money amount={entry.evaluated_price} />
                </td>
              </tr>
            ))}
            {board.ranking.length === 0 && (
              <tr>
                <td colSpan={3}>{board.failure_reason ?? t("Tidak ada penawaran.", "No offers.")}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </Section>
  );
}
