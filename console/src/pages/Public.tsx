// Without sign-in: a published mini-competition's result (step 12) and a vendor's scorecard.
import { useState } from "react";
import { competition, rating, unwrap } from "../api/client";
import { wib } from "../format";
import { t } from "../i18n";
import { Dl, Loading, Money, navigate, Section, useLoad } from "../ui";

export function PublicIndex() {
  const [competitionId, setCompetitionId] = useState("");
  const [vendorId, setVendorId] = useState("");
  return (
    <main aria-labelledby="public-title">
      <h1 id="public-title">{t("Informasi publik", "Public information")}</h1>
      <form className="card" onSubmit={(e) => { e.preventDefault(); navigate(`/public/competitions/${competitionId.trim()}`); }}>
        <label htmlFor="public-competition">{t("ID mini kompetisi", "Mini-competition id")}</label>
        <input id="public-competition" value={competitionId} onChange={(e) => setCompetitionId(e.target.value)} />
        <button className="primary" type="submit">{t("Lihat hasil", "Show the result")}</button>
      </form>
      <form className="card" onSubmit={(e) => { e.preventDefault(); navigate(`/public/vendors/${vendorId.trim()}`); }}>
        <label htmlFor="public-vendor">{t("ID penyedia", "Vendor id")}</label>
        <input id="public-vendor" value={vendorId} onChange={(e) => setVendorId(e.target.value)} />
        <button className="primary" type="submit">{t("Lihat rapor", "Show the scorecard")}</button>
      </form>
    </main>
  );
}

export function PublicCompetition({ id }: { id: string }) {
  const { data, problem } = useLoad(
    async () => unwrap(await competition.GET("/public/competitions/{competition_id}", { params: { path: { competition_id: id } }, headers: { Authorization: "" } })),
    [id],
  );
  if (!data) return <Loading problem={problem} />;
  return (
    <main aria-labelledby="pc-title">
      <h1 id="pc-title">
        {t("Hasil mini kompetisi", "Mini-competition result")}: {data.title}
      </h1>
      <Section title={t("Pengumuman", "Announcement")} testid="public-result">
        <Dl
          rows={[
            [t("Satuan kerja", "Work unit"), data.work_unit],
            [t("Kode RUP", "RUP code"), data.rup_code],
            [t("Tahun anggaran", "Fiscal year"), data.fiscal_year],
            [t("Kategori", "Category"), data.category],
            [t("Batas penawaran", "Offer deadline"), wib(data.offer_deadline)],
            [t("Hasil", "Outcome"), data.outcome === "succeeded" ? t("Berhasil", "Succeeded") : `${t("Gagal", "Failed")} ${data.failure_reason ? `(${data.failure_reason})` : ""}`],
            [t("Pemenang", "Winner"), data.winner ? `${data.winner.vendor_name} · ` : "–"],
          ]}
        />
        {data.winner && (
          <p>
            {t("Harga pemenang", "Winning price")}: <Money amount={data.winner.evaluated_price} />
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">{t("Peringkat", "Rank")}</th>
              <th scope="col">{t("Penyedia", "Vendor")}</th>
              <th scope="col">{t("Harga evaluasi", "Evaluated price")}</th>
            </tr>
          </thead>
          <tbody>
            {data.leaderboard.map((entry) => (
              <tr key={entry.rank}>
                <td>{entry.rank}</td>
                <td>{entry.vendor_name}</td>
                <td>
                  <Money amount={entry.evaluated_price} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </main>
  );
}

export function PublicScorecard({ id }: { id: string }) {
  const { data, problem } = useLoad(
    async () => unwrap(await rating.GET("/vendors/{vendor_id}/scorecard", { params: { path: { vendor_id: id } }, headers: { Authorization: "" } })),
    [id],
  );
  if (!data) return <Loading problem={problem} />;
  return (
    <main aria-labelledby="sc-title">
      <h1 id="sc-title">
        {t("Rapor penyedia", "Vendor scorecard")}: {data.vendor_name ?? id}
      </h1>
      <Section title={t("Kinerja", "Performance")} testid="scorecard">
        <Dl
          rows={[
            [t("Rata-rata tertimbang", "Weighted average"), data.weighted_average ?? "–"],
            [t("Jumlah penilaian", "Ratings"), data.rating_count],
            [t("Jumlah PPK penilai", "PPKs who rated"), data.rating_ppk_count],
            [t("Paket", "Packages"), data.package_count],
            [t("Paket tepat waktu", "Packages on time"), data.on_time_package_count],
            [t("Perlu ditinjau", "Under review"), data.below_review_threshold ? t("Ya", "Yes") : t("Tidak", "No")],
            [t("Rata-rata per kriteria", "Average per criterion"), Object.entries(data.criterion_averages ?? {}).map(([k, v]) => `${k}: ${v}`).join(", ") || "–"],
          ]}
        />
      </Section>
    </main>
  );
}
