// One typed client per service on the one origin (/competition, /ordering, /delivery,
// /rating), generated from docs/api/*.openapi.json by openapi-typescript (npm run generate):
// paths, bodies, parameters and answers all come from the services' published documents.
import createClient, { type Middleware } from "openapi-fetch";
import { currentSession } from "../auth";
import { lang } from "../i18n";
import type { paths as CompetitionPaths, components as CompetitionComponents } from "./generated/competition";
import type { paths as OrderingPaths, components as OrderingComponents } from "./generated/ordering";
import type { paths as DeliveryPaths, components as DeliveryComponents } from "./generated/delivery";
import type { paths as RatingPaths, components as RatingComponents } from "./generated/rating";

type ProblemDocument = CompetitionComponents["schemas"]["Problem"];
/** problem+json as the services answer it (the optional members may be absent). */
export type Problem = Pick<ProblemDocument, "type" | "title" | "status" | "detail"> &
  Partial<Pick<ProblemDocument, "errors" | "error_count" | "current_state" | "allowed_actions" | "instance">>;
export type FieldError = CompetitionComponents["schemas"]["FieldError"];
export type PurchaseRequest = CompetitionComponents["schemas"]["PurchaseRequestOut"];
export type Competition = CompetitionComponents["schemas"]["CompetitionOut"];
export type Leaderboard = CompetitionComponents["schemas"]["LeaderboardOut"];
export type PublicResult = CompetitionComponents["schemas"]["PublicResultOut"];
export type Product = CompetitionComponents["schemas"]["ProductOut"];
export type Package = OrderingComponents["schemas"]["PackageDetail"];
export type PackageSummary = OrderingComponents["schemas"]["PackageSummary"];
export type Round = OrderingComponents["schemas"]["RoundOut"];
export type Fulfilment = DeliveryComponents["schemas"]["FulfilmentDetail"];
export type FulfilmentSummary = DeliveryComponents["schemas"]["FulfilmentSummary"];
export type Rating = RatingComponents["schemas"]["RatingOut"];
export type Scorecard = RatingComponents["schemas"]["ScorecardOut"];
export type HistoryEntry = CompetitionComponents["schemas"]["HistoryEntry"];

const authenticate: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${session.token}`);
    }
    request.headers.set("Accept-Language", lang() === "en" ? "en" : "id");
    return request;
  },
};

function client<Paths extends {}>(prefix: string) {
  const made = createClient<Paths>({ baseUrl: `${location.origin}/${prefix}` });
  made.use(authenticate);
  return made;
}

export const competition = client<CompetitionPaths>("competition");
export const ordering = client<OrderingPaths>("ordering");
export const delivery = client<DeliveryPaths>("delivery");
export const rating = client<RatingPaths>("rating");

export const SERVICES = ["competition", "ordering", "delivery", "rating"] as const;
export type Service = (typeof SERVICES)[number];

/** An answer that is not 2xx, as the problem+json it carries (or one made up for it). */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    const error = answer.error as Partial<Problem> | undefined;
    throw new ApiProblem({
      type: error?.type ?? "about:blank",
      title: error?.title ?? answer.response.statusText,
      status: error?.status ?? answer.response.status,
      detail: error?.detail ?? String(answer.error ?? answer.response.statusText),
      errors: error?.errors ?? null,
      current_state: error?.current_state ?? null,
      allowed_actions: error?.allowed_actions ?? null,
    });
  }
  return answer.data as T;
}

/** The If-Match header of a versioned resource. */
export function ifMatch(version: number): { "If-Match": string } {
  return { "If-Match": `"${version}"` };
}

/** A multipart body: openapi-fetch keeps the typed `body`, this builds the FormData sent. */
export function multipart(fields: Record<string, string | Blob | string[] | null | undefined>) {
  return () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value === null || value === undefined || value === "") continue;
      if (Array.isArray(value)) value.forEach((one) => form.append(name, one));
      else form.append(name, value);
    }
    return form;
  };
}
