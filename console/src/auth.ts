// Who is signed in. Two set-ups, chosen by the origin's /config.json:
// - development (`make run`, DEVELOPMENT_MODE=true): scripts/console_server.py lists the demo's
//   people at /dev/people and mints their development token at /dev/token; a production
//   origin has neither route (Caddy serves only the built files and the APIs).
// - oidc (production): OpenID Connect authorization code flow with PKCE against the operator's
//   identity provider (oidc-client-ts); the access token, an RS256 JWT carrying the claims the
//   services read (role, work_unit, vendor_id, name), is sent as the bearer token.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

export interface Claims {
  sub: string;
  role: string;
  name?: string;
  work_unit?: string;
  vendor_id?: string;
  exp?: number;
}

export interface Session {
  token: string;
  claims: Claims;
}

export interface ConsoleConfig {
  auth: "development" | "oidc";
  authority?: string;
  client_id?: string;
  scope?: string;
}

export interface Person {
  id: string;
  role: string;
  name: string;
  work_unit?: string | null;
  vendor_id?: string | null;
}

const KEY = "console.session";
let session: Session | null = null;
const listeners = new Set<() => void>();

export function decodeClaims(token: string): Claims {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json))) as Claims;
}

function load(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const token = JSON.parse(raw) as string;
    const claims = decodeClaims(token);
    if (claims.exp && claims.exp * 1000 < Date.now()) return null;
    return { token, claims };
  } catch {
    return null;
  }
}
session = load();

export function currentSession(): Session | null {
  return session;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signIn(token: string): void {
  session = { token, claims: decodeClaims(token) };
  sessionStorage.setItem(KEY, JSON.stringify(token));
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  session = null;
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
  if (config?.auth === "oidc") void oidc()?.signoutRedirect();
}

let config: ConsoleConfig | null = null;

export async function loadConfig(): Promise<ConsoleConfig> {
  if (config) return config;
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    config = response.ok ? ((await response.json()) as ConsoleConfig) : { auth: "oidc" };
  } catch {
    config = { auth: "oidc" };
  }
  return config;
}

let manager: UserManager | null = null;

function oidc(): UserManager | null {
  if (!config || config.auth !== "oidc" || !config.authority || !config.client_id) return null;
  manager ??= new UserManager({
    authority: config.authority,
    client_id: config.client_id,
    redirect_uri: `${location.origin}/`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: "code",
    scope: config.scope ?? "openid profile email",
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
  return manager;
}

/** Production: send the browser to the identity provider. */
export async function oidcSignIn(): Promise<void> {
  const users = oidc();
  if (!users) throw new Error("OpenID Connect is not configured (config.json)");
  await users.signinRedirect();
}

/** Production: back from the identity provider with ?code=...&state=... */
export async function completeOidcSignIn(): Promise<boolean> {
  const users = oidc();
  const query = new URLSearchParams(location.search);
  if (!users || !query.has("code") || !query.has("state")) return false;
  const user = await users.signinRedirectCallback();
  history.replaceState(null, "", `${location.pathname}#/`);
  signIn(user.access_token);
  return true;
}

/** Development: the demo's people, and a token for one of them. */
export async function developmentPeople(): Promise<Person[]> {
  const response = await fetch("/dev/people", { cache: "no-store" });
  if (!response.ok) throw new Error(`/dev/people: ${response.status}`);
  return (await response.json()) as Person[];
}

export async function developmentSignIn(personId: string): Promise<void> {
  const response = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ person_id: personId }),
  });
  if (!response.ok) throw new Error(`/dev/token: ${response.status}`);
  const body = (await response.json()) as { token: string };
  signIn(body.token);
}
