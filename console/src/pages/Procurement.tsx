// One procurement across the four services (the auditor's read-only view, everyone's overview):
// the request, its competitions, package, delivery and rating, and the merged history.
import { competition, delivery, ordering, rating, unwrap } from "../api/client";
import { t } from "../i18n";
import { Link, Loading, Section, StateBadge, useLoad } from "../ui";
import { History } from "./History";

export function Procurement({ id }: { id: string }) {
  const { data, problem } = useLoad(async () => {
    const [request, competitions, packages, fulfilment, ratings] = await Promise.all([
      competition.GET("/purchase-requests/{request_id}", { params: { path: { request_id: id } } }).then((a) => a.data ?? null),
      competition.GET("/competitions", { params: { query: { purchase_request_id: id, limit: 100 } } }).then((a) => a.data?.items ?? []),
      ordering.GET("/packages", { params: { query: { procurement_id: id, limit: 100 } } }).then((a) => a.data?.items ?? []),
      delivery.GET("/fulfilments/{procurement_id}", { params: { path: { procurement_id: id } } }).then((a) => a.data ?? null),
      rating.GET("/ratings", { params: { query: { procurement_id: id } } }).then(unwrap).then((page) => page.items).catch(() => []),
    ]);
    return { request, competitions, packages, fulfilment, ratings };
  }, [id]);
  if (!data) return <Loading problem={problem} />;
  return (
    <main aria-labelledby="proc-title">
      <h1 id="proc-title">
        {t("Pengadaan", "Procurement")} {data.request?.title ?? id}
      </h1>
      <Section title={t("Di keempat layanan", "In the four services")} testid="overview">
        <ul className="overview">
          {data.request && (
            <li>
              <Link to={`/requests/${id}`}>{t("Permintaan pembelian (1–6)", "Purchase request (1–6)")}</Link> <StateBadge state={data.request.state} />
            </li>
          )}
          {data.competitions.map((c) => (
            <li key={c.id}>
              <Link to={`/competitions/${c.id}`}>{t("Mini kompetisi (7–13)", "Mini-competition (7–13)")}</Link> <StateBadge state={c.state} />
            </li>
          ))}
          {data.packages.map((p) => (
            <li key={p.id}>
              <Link to={`/packages/${p.id}`}>{t("Paket (14–22, 24a)", "Package (14–22, 24a)")}</Link> <StateBadge state={p.state} />
            </li>
          ))}
          {data.fulfilment && (
            <li>
              <Link to={`/fulfilments/${id}`}>{t("Pengiriman dan pembayaran (23–27)", "Delivery and payment (23–27)")}</Link> <StateBadge state={data.fulfilment.state} />
            </li>
          )}
          {data.ratings.map((r) => (
            <li key={r.id}>
              <Link to={`/ratings/${r.id}`}>{t("Penilaian (27)", "Rating (27)")}</Link> <StateBadge state={r.state} />
            </li>
          ))}
        </ul>
      </Section>
      <History procurementId={id} />
    </main>
  );
}
