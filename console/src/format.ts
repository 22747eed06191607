// Money in rupiah and dates in WIB (Asia/Jakarta), whatever the browser's own time zone.
import { lang } from "./i18n";

const rupiahFormat = new Intl.NumberFormat("id-ID", {
  style: "currency",
  currency: "IDR",
  maximumFractionDigits: 0,
  minimumFractionDigits: 0,
});

export function rupiah(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return "–";
  return rupiahFormat.format(amount).replace(/\u00a0/g, " ");
}

const WIB = "Asia/Jakarta";

export function wib(iso: string | null | undefined): string {
  if (!iso) return "–";
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: WIB,
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(when);
  return `${text} WIB`;
}

export function wibDate(day: string | null | undefined): string {
  if (!day) return "–";
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: "UTC",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A `datetime-local` value (read as WIB) to an ISO instant with +07:00. */
export function wibInputToIso(local: string): string {
  const withSeconds = local.length === 16 ? `${local}:00` : local;
  return `${withSeconds}+07:00`;
}

/** Now plus `seconds`, as a `datetime-local` value in WIB (seconds precision). */
export function wibInputIn(seconds: number): string {
  const shifted = new Date(Date.now() + seconds * 1000 + 7 * 3600 * 1000);
  return shifted.toISOString().slice(0, 19);
}

/** Today plus `days` in WIB as YYYY-MM-DD. */
export function wibDayIn(days: number): string {
  const shifted = new Date(Date.now() + days * 86400 * 1000 + 7 * 3600 * 1000);
  return shifted.toISOString().slice(0, 10);
}

/** Digits typed in a money field ("9.500.000", "Rp 9500000") to an integer, or NaN. */
export function parseRupiah(text: string): number {
  const digits = text.replace(/[^0-9-]/g, "");
  return digits === "" ? Number.NaN : Number(digits);
}
