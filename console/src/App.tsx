import { useEffect, useState } from "react";
import { completeOidcSignIn, currentSession, loadConfig, onSessionChange, signOut } from "./auth";
import { lang, onLangChange, roleName, setLang, t } from "./i18n";
import { CompetitionDetail } from "./pages/Competition";
import { FulfilmentDetail } from "./pages/Fulfilment";
import { Login } from "./pages/Login";
import { MyWork } from "./pages/MyWork";
import { PackageDetail } from "./pages/Package";
import { Procurement } from "./pages/Procurement";
import { PublicCompetition, PublicIndex, PublicScorecard } from "./pages/Public";
import { NewRequest, RequestDetail } from "./pages/PurchaseRequest";
import { RatingDetail } from "./pages/Rating";

function useHash(): string {
  const [hash, setHash] = useState(location.hash.slice(1) || "/");
  useEffect(() => {
    const changed = () => setHash(location.hash.slice(1) || "/");
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return hash;
}

function route(path: string) {
  const parts = path.split("/").filter(Boolean);
  const [first, second, third] = parts;
  if (first === "public") {
    if (second === "competitions" && third) return <PublicCompetition id={third} />;
    if (second === "vendors" && third) return <PublicScorecard id={third} />;
    return <PublicIndex />;
  }
  if (!currentSession()) return <Login />;
  if (first === "login") return <Login />;
  if (first === "requests" && second === "new") return <NewRequest />;
  if (first === "requests" && second) return <RequestDetail key={second} id={second} />;
  if (first === "competitions" && second) return <CompetitionDetail key={second} id={second} />;
  if (first === "packages" && second) return <PackageDetail key={second} id={second} />;
  if (first === "fulfilments" && second) return <FulfilmentDetail key={second} id={second} />;
  if (first === "ratings" && second) return <RatingDetail key={second} id={second} />;
  if (first === "procurements" && second) return <Procurement key={second} id={second} />;
  return <MyWork />;
}

export function App() {
  const path = useHash();
  const [, rerender] = useState(0);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const bump = () => rerender((n) => n + 1);
    const offLang = onLangChange(bump);
    const offSession = onSessionChange(bump);
    loadConfig()
      .then(() => completeOidcSignIn())
      .catch(() => false)
      .finally(() => setReady(true));
    return () => {
      offLang();
      offSession();
    };
  }, []);
  const session = currentSession();
  return (
    <>
      <a className="skip" href="#content">
        {t("Langsung ke isi", "Skip to content")}
      </a>
      <header>
        <nav aria-label={t("Navigasi utama", "Main navigation")}>
          <a href="#/" className="brand">
            e-Purchasing · {t("Kabupaten Mojokerto", "Mojokerto Regency")}
          </a>
          {session && <a href="#/">{t("Pekerjaan saya", "My work")}</a>}
          <a href="#/public">{t("Informasi publik", "Public information")}</a>
          <span className="spacer" />
          <button
            className="link"
            onClick={() => setLang(lang() === "id" ? "en" : "id")}
            aria-label={lang() === "id" ? "Switch to English" : "Ganti ke Bahasa Indonesia"}
          >
            {lang() === "id" ? "English" : "Bahasa Indonesia"}
          </button>
          {session ? (
            <>
              <span className="who" data-testid="who">
                {session.claims.name ?? session.claims.sub} · {roleName(session.claims.role)}
              </span>
              <button
                className="link"
                data-action="sign-out"
                onClick={() => {
                  signOut();
                  location.hash = "/login";
                }}
              >
                {t("Keluar / ganti pengguna", "Sign out / switch user")}
              </button>
            </>
          ) : null}
        </nav>
      </header>
      <div id="content">{ready ? route(path) : <p>{t("Memuat…", "Loading…")}</p>}</div>
    </>
  );
}
