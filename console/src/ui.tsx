// Shared pieces of every screen: loading, problem+json shown next to the fields it names,
// the state, the turn (SOP step, due date, late or not), the action buttons and the history.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { ApiProblem, type FieldError, type Problem } from "./api/client";
import { rupiah, wib } from "./format";
import { stateName, t } from "./i18n";

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [tick, setTick] = useState(0);
  const waiting = useRef<(() => void)[]>([]);
  useEffect(() => {
    let live = true;
    load()
      .then((found) => {
        if (live) {
          setData(found);
          setProblem(null);
        }
      })
      .catch((error: unknown) => live && setProblem(asProblem(error)))
      .finally(() => live && waiting.current.splice(0).forEach((resolve) => resolve()));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  /** Load again; resolves once the fresh resource (its new version) is shown. */
  const reload = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        setTick((n) => n + 1);
      }),
    [],
  );
  return { data, problem, reload, setData };
}

export function asProblem(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  const detail = error instanceof Error ? error.message : String(error);
  return { type: "about:blank", title: t("Gagal", "Failed"), status: 0, detail };
}

/** One form or button's call: busy while it runs, its problem kept for the fields. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Busy until the screen shows the resource again: the next action sends its new version.
  const run = useCallback(async (call: () => Promise<unknown>, done?: () => void | Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await call();
      await done?.();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, run, setProblem };
}

function matches(error: FieldError, names: string[]): boolean {
  const field = error.field.replace(/^body\./, "");
  return names.some((name) => field === name || field.startsWith(`${name}.`));
}

/** The field errors of `problem` that name one of `names` (e.g. "prices", "items.0.quantity"). */
export function fieldErrors(problem: Problem | null, ...names: string[]): FieldError[] {
  return (problem?.errors ?? []).filter((error) => matches(error, names));
}

/** The problem as a readable message; field errors shown next to their fields are left out. */
export function ProblemView({ problem, shown = [] }: { problem: Problem | null; shown?: string[] }) {
  if (!problem) return null;
  const rest = (problem.errors ?? []).filter((error) => !matches(error, shown));
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong>{problem.title}</strong>
      <span>: {problem.detail}</span>
      {rest.length > 0 && (
        <ul>
          {rest.map((error, i) => (
            <li key={i}>
              <code>{error.field}</code>: {error.message}
            </li>
          ))}
        </ul>
      )}
      {problem.current_state && (
        <p>
          {t("Status saat ini", "Current state")}: {stateName(problem.current_state)}
          {problem.allowed_actions && problem.allowed_actions.length > 0 && (
            <> — {t("yang dapat dilakukan", "allowed")}: {problem.allowed_actions.join(", ")}</>
          )}
        </p>
      )}
    </div>
  );
}

interface FieldProps {
  label: string;
  name: string;
  problem: Problem | null;
  hint?: ReactNode;
  warning?: string | null;
  children: (props: {
    id: string;
    name: string;
    "aria-invalid": boolean;
    "aria-describedby"?: string;
  }) => ReactNode;
}

/** A labelled input with its hint, its live rule warning and the service's message for it. */
export function Field({ label, name, problem, hint, warning, children }: FieldProps) {
  const id = useId();
  const errors = fieldErrors(problem, name);
  const described = [hint ? `${id}-hint` : "", warning ? `${id}-warn` : "", errors.length ? `${id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`field${errors.length ? " invalid" : ""}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, "aria-invalid": errors.length > 0, "aria-describedby": described || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {warning && (
        <small id={`${id}-warn`} className="warning" data-testid="rule-warning">
          {warning}
        </small>
      )}
      {errors.length > 0 && (
        <small id={`${id}-err`} className="field-error" role="alert" data-testid="field-error">
          {errors.map((error) => error.message).join("; ")}
        </small>
      )}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  return (
    <span className="state" data-testid="state" data-state={state}>
      {stateName(state)} <code>{state}</code>
    </span>
  );
}

export interface TurnLike {
  sop_step?: string | null;
  actor_role?: string | null;
  actor_id?: string | null;
  due_at?: string | null;
  overdue?: boolean | null;
}

/** The resource's `turn` (the time standards' object), when the service gives one. */
export function turnOf(resource: unknown): TurnLike | null {
  const turn = (resource as { turn?: TurnLike | null } | null)?.turn;
  return turn ?? null;
}

export function TurnView({ turn }: { turn: TurnLike | null }) {
  if (!turn || !turn.sop_step) return null;
  return (
    <p className={`turn${turn.overdue ? " overdue" : ""}`} data-testid="turn">
      {t("Langkah SOP", "SOP step")} {turn.sop_step} · {turn.actor_role} · {t("batas waktu", "due")}{" "}
      {wib(turn.due_at)} · {turn.overdue ? t("TERLAMBAT", "LATE") : t("tepat waktu", "on time")}
    </p>
  );
}

export function Money({ amount }: { amount: number | null | undefined }) {
  return <span className="money">{rupiah(amount)}</span>;
}

/** A button for one of the resource's allowed actions: only those are ever shown. */
export function ActionButton({
  action,
  label,
  onClick,
  busy,
  kind = "primary",
  type = "button",
}: {
  action: string;
  label: string;
  onClick?: () => void;
  busy?: boolean;
  kind?: "primary" | "secondary" | "danger";
  type?: "button" | "submit";
}) {
  return (
    <button type={type} className={kind} data-action={action} onClick={onClick} disabled={busy} aria-busy={busy}>
      {label}
    </button>
  );
}

export function Section({ title, children, testid }: { title: string; children: ReactNode; testid?: string }) {
  return (
    <section className="card" data-testid={testid} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Dl({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Loading({ problem }: { problem: Problem | null }) {
  return problem ? <ProblemView problem={problem} /> : <p aria-live="polite">{t("Memuat…", "Loading…")}</p>;
}

export function Link({ to, children, label }: { to: string; children: ReactNode; label?: string }) {
  return (
    <a href={`#${to}`} aria-label={label}>
      {children}
    </a>
  );
}

export function navigate(to: string): void {
  location.hash = to;
}

/** A placeholder PDF so a file input can be filled in development ("contoh dokumen"). */
export function FileField({
  label,
  name,
  problem,
  onFile,
  required,
}: {
  label: string;
  name: string;
  problem: Problem | null;
  onFile: (file: File | null) => void;
  required?: boolean;
}) {
  return (
    <Field label={label} name={name} problem={problem} hint={t("PDF, PNG atau JPEG, maks. 10 MiB", "PDF, PNG or JPEG, at most 10 MiB")}>
      {(props) => (
        <input
          {...props}
          type="file"
          required={required}
          accept="application/pdf,image/png,image/jpeg"
          onChange={(event) => onFile(event.target.files?.[0] ?? null)}
        />
      )}
    </Field>
  );
}
