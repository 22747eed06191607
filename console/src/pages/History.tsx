// The procurement's append-only history in the four services, merged in time order (who, role,
// when in WIB, from, to, SOP step, reason): the auditor's read-only view and every screen's foot.
import { competition, delivery, ordering, rating, unwrap, type HistoryEntry } from "../api/client";
import { wib } from "../format";
import { stateName, t } from "../i18n";
import { Loading, Section, useLoad } from "../ui";

type Entry = HistoryEntry & { service: string };

export async function procurementHistory(id: string): Promise<Entry[]> {
  const path = { params: { path: { procurement_id: id } } };
  const answers = await Promise.allSettled([
    competition.GET("/procurements/{procurement_id}/history", path).then(unwrap).then((e) => e.map((x) => ({ ...x, service: "competition" }))),
    ordering.GET("/procurements/{procurement_id}/history", path).then(unwrap).then((e) => e.map((x) => ({ ...x, service: "ordering" }))),
    delivery.GET("/procurements/{procurement_id}/history", path).then(unwrap).then((e) => e.map((x) => ({ ...x, service: "delivery" }))),
    rating.GET("/procurements/{procurement_id}/history", path).then(unwrap).then((e) => e.map((x) => ({ ...x, service: "rating" }))),
  ]);
  const entries = answers.flatMap((answer) => (answer.status === "fulfilled" ? answer.value : []));
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function History({ procurementId }: { procurementId: string }) {
  const { data, problem } = useLoad(() => procurementHistory(procurementId), [procurementId]);
  return (
    <Section title={t("Riwayat", "History")} testid="history">
      {!data ? (
        <Loading problem={problem} />
      ) : (
        <table className="history">
          <thead>
            <tr>
              <th scope="col">{t("Langkah", "Step")}</th>
              <th scope="col">{t("Waktu (WIB)", "When (WIB)")}</th>
              <th scope="col">{t("Oleh", "By")}</th>
              <th scope="col">{t("Tindakan", "Action")}</th>
              <th scope="col">{t("Status", "State")}</th>
              <th scope="col">{t("Alasan", "Reason")}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((entry, i) => (
              <tr key={i}>
                <td>{entry.sop_step ?? "–"}</td>
                <td>{wib(entry.at)}</td>
                <td>
                  {entry.actor_id} <small>({entry.actor_role})</small>
                </td>
                <td>
                  {entry.action} <small>{entry.service}</small>
                </td>
                <td>
                  {entry.from_state ? `${stateName(entry.from_state)} → ` : ""}
                  {stateName(entry.to_state)}
                </td>
                <td>{entry.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
