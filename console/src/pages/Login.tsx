import { useEffect, useState } from "react";
import { developmentPeople, developmentSignIn, loadConfig, oidcSignIn, type ConsoleConfig, type Person } from "../auth";
import { roleName, t } from "../i18n";
import { asProblem, navigate, ProblemView } from "../ui";
import type { Problem } from "../api/client";

export function Login() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    loadConfig().then((found) => {
      setConfig(found);
      if (found.auth === "development") developmentPeople().then(setPeople).catch((e) => setProblem(asProblem(e)));
    });
  }, []);
  if (!config) return <p>{t("Memuat…", "Loading…")}</p>;
  if (config.auth === "oidc") {
    return (
      <main className="login" aria-labelledby="login-title">
        <h1 id="login-title">{t("Masuk", "Sign in")}</h1>
        <p>{t("Masuk dengan akun instansi Anda.", "Sign in with your organisation's account.")}</p>
        <button className="primary" onClick={() => oidcSignIn().catch((e) => setProblem(asProblem(e)))}>
          {t("Masuk dengan penyedia identitas", "Sign in with the identity provider")}
        </button>
        <ProblemView problem={problem} />
        <PublicLinks />
      </main>
    );
  }
  const roles = ["ppk", "procurement_official", "vendor", "auditor", "admin"];
  return (
    <main className="login" aria-labelledby="login-title">
      <h1 id="login-title">{t("Masuk (mode pengembangan)", "Sign in (development mode)")}</h1>
      <p className="notice">
        {t(
          "Mode pengembangan: pilih salah satu orang dalam demo. Token pengembangan dibuat oleh server konsol lokal dan tidak pernah ada di produksi.",
          "Development mode: pick one of the demo's people. The development token is minted by the local console server and never exists in production.",
        )}
      </p>
      <ProblemView problem={problem} />
      {roles.map((role) => {
        const found = people.filter((person) => person.role === role);
        if (found.length === 0) return null;
        return (
          <section key={role} className="card" aria-label={roleName(role)}>
            <h2>{roleName(role)}</h2>
            <ul className="people">
              {found.map((person) => (
                <li key={person.id}>
                  <button
                    className="secondary"
                    data-person={person.id}
                    onClick={() =>
                      developmentSignIn(person.id)
                        .then(() => navigate("/"))
                        .catch((e) => setProblem(asProblem(e)))
                    }
                  >
                    {t("Masuk sebagai", "Sign in as")} {person.name}
                  </button>
                  {person.work_unit && <small> · {person.work_unit}</small>}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <PublicLinks />
    </main>
  );
}

function PublicLinks() {
  return (
    <p>
      <a href="#/public">{t("Hasil mini kompetisi dan rapor penyedia (publik, tanpa masuk)", "Competition results and vendor scorecards (public, no sign-in)")}</a>
    </p>
  );
}
