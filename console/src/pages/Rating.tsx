// Step 27 on rating: the PPK rates the vendor on the criteria; the vendor may reply.
import { useState } from "react";
import { ifMatch, rating, unwrap, type Rating } from "../api/client";
import { wib } from "../format";
import { t } from "../i18n";
import { ActionButton, Dl, Field, Link, Loading, ProblemView, Section, StateBadge, turnOf, TurnView, useAction, useLoad } from "../ui";

// A pending rating does not carry its scheme yet: the services' default criteria and scale.
const DEFAULT_CRITERIA: [string, string, string][] = [
  ["quality_quantity", "Kualitas dan kuantitas", "Quality and quantity"],
  ["cost", "Biaya", "Cost"],
  ["timeliness", "Ketepatan waktu", "Timeliness"],
  ["service", "Layanan", "Service"],
];
const LABELS: [string, string][] = [
  ["cukup", "fair"],
  ["baik", "good"],
  ["sangat baik", "very good"],
];

export function RatingDetail({ id }: { id: string }) {
  const { data, problem, reload } = useLoad(async () => unwrap(await rating.GET("/ratings/{rating_id}", { params: { path: { rating_id: id } } })), [id]);
  if (!data) return <Loading problem={problem} />;
  const r = data;
  return (
    <main aria-labelledby="r-title">
      <h1 id="r-title">
        {t("Penilaian penyedia", "Vendor rating")}: {r.vendor_name}
      </h1>
      <p>
        <StateBadge state={r.state} /> <Link to={`/procurements/${r.procurement_id}`}>{t("Riwayat pengadaan", "Procurement history")}</Link>
        {" · "}
        <Link to={`/public/vendors/${r.vendor_id}`}>{t("Rapor publik penyedia", "Vendor's public scorecard")}</Link>
      </p>
      <TurnView turn={turnOf(r)} />
      <Section title={t("Penilaian", "Rating")}>
        <Dl
          rows={[
            [t("Surat Pesanan", "Purchase order"), r.order_number],
            [t("Tepat waktu", "On time"), r.on_time === null ? "–" : r.on_time ? t("Ya", "Yes") : t("Tidak", "No")],
            [t("Selesai", "Completed"), wib(r.completed_at)],
            [t("Nilai", "Scores"), r.scores ? Object.entries(r.scores).map(([k, v]) => `${k}: ${v}`).join(", ") : "–"],
            [t("Hasil tertimbang", "Weighted result"), r.weighted_result ?? "–"],
            [t("Komentar", "Comment"), r.comment ?? "–"],
            [t("Tanggapan penyedia", "Vendor's reply"), r.reply ?? "–"],
          ]}
        />
      </Section>
      <Section title={t("Tindakan", "Actions")} testid="actions">
        {r.allowed_actions.includes("rate") && <RateForm r={r} done={reload} />}
        {r.allowed_actions.includes("reply") && <ReplyForm r={r} done={reload} />}
        {r.allowed_actions.length === 0 && <p>{t("Tidak ada tindakan untuk Anda pada status ini.", "No action of yours in this state.")}</p>}
      </Section>
    </main>
  );
}

function RateForm({ r, done }: { r: Rating; done: () => void | Promise<void> }) {
  const action = useAction();
  const keys = r.weights && Object.keys(r.weights).length > 0 ? Object.keys(r.weights) : DEFAULT_CRITERIA.map(([key]) => key);
  const top = r.scale_max ?? 3;
  const [scores, setScores] = useState<Record<string, number>>(Object.fromEntries(keys.map((key) => [key, top])));
  const [comment, setComment] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () =>
          unwrap(await rating.POST("/ratings", { headers: { "Idempotency-Key": crypto.randomUUID() }, body: { procurement_id: r.procurement_id, scores, comment: comment || null } })), done);
      }}
    >
      <h3>{t("Nilai penyedia (langkah 27)", "Rate the vendor (step 27)")}</h3>
      <ProblemView problem={action.problem} shown={[...keys.map((key) => `scores.${key}`), "comment"]} />
      <div className="grid">
        {keys.map((key) => {
          const named = DEFAULT_CRITERIA.find(([k]) => k === key);
          return (
            <Field key={key} label={named ? t(named[1], named[2]) : key} name={`scores.${key}`} problem={action.problem}>
              {(props) => (
                <select {...props} value={scores[key]} onChange={(e) => setScores({ ...scores, [key]: Number(e.target.value) })}>
                  {Array.from({ length: top - (r.scale_min ?? 1) + 1 }, (_, i) => (r.scale_min ?? 1) + i).map((value) => (
                    <option key={value} value={value}>
                      {value} {LABELS[value - 1] ? `(${t(...LABELS[value - 1]!)})` : ""}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          );
        })}
      </div>
      <Field label={t("Komentar", "Comment")} name="comment" problem={action.problem}>
        {(props) => <textarea {...props} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
      </Field>
      <ActionButton action="rate" type="submit" busy={action.busy} label={t("Simpan penilaian (langkah 27)", "Save the rating (step 27)")} />
    </form>
  );
}

function ReplyForm({ r, done }: { r: Rating; done: () => void | Promise<void> }) {
  const action = useAction();
  const [text, setText] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => unwrap(await rating.POST("/ratings/{rating_id}/reply", { params: { path: { rating_id: r.id } }, headers: ifMatch(r.version), body: { text } })), done);
      }}
    >
      <ProblemView problem={action.problem} shown={["text"]} />
      <Field label={t("Tanggapan", "Reply")} name="text" problem={action.problem}>
        {(props) => <textarea {...props} rows={2} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <ActionButton action="reply" type="submit" busy={action.busy} label={t("Kirim tanggapan", "Send the reply")} />
    </form>
  );
}
