// Bahasa Indonesia first, English available: every text is written as t(indonesian, english)
// beside the code that shows it, so no key can go missing in one language. The choice is kept
// in localStorage and sent to the services as Accept-Language (their problem titles, details
// and field messages follow it).
export type Lang = "id" | "en";

let current: Lang = (localStorage.getItem("console.lang") as Lang | null) ?? "id";
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem("console.lang", next);
  document.documentElement.lang = next;
  listeners.forEach((listener) => listener());
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(id: string, en: string): string {
  return current === "en" ? en : id;
}

document.documentElement.lang = current;

/** The SOP's names of the states, in both languages (the API's value is shown beside). */
const STATES: Record<string, [string, string]> = {
  draft: ["Draf", "Draft"],
  submitted: ["Diajukan ke Pejabat Pengadaan", "Submitted to the official"],
  accepted: ["Diterima Pejabat Pengadaan", "Accepted by the official"],
  returned: ["Dikembalikan", "Returned"],
  in_competition: ["Dalam mini kompetisi", "In mini-competition"],
  fulfilled: ["Selesai", "Fulfilled"],
  open: ["Penawaran dibuka", "Open for offers"],
  "evaluated:succeeded": ["Evaluasi: berhasil", "Evaluated: succeeded"],
  "evaluated:failed": ["Evaluasi: gagal", "Evaluated: failed"],
  published: ["Hasil diumumkan", "Result published"],
  package_generated: ["Paket dibuat", "Package generated"],
  received: ["Paket diterima", "Package received"],
  processing: ["Diproses", "Processing"],
  negotiating: ["Negosiasi", "Negotiating"],
  negotiation_rejected: ["Usulan ditolak penyedia", "Proposal rejected by the vendor"],
  agreed: ["Harga disepakati", "Price agreed"],
  vendor_approved: ["Disetujui penyedia", "Approved by the vendor"],
  awaiting_ppk: ["Menunggu PPK", "Awaiting the PPK"],
  ppk_approved: ["Disetujui PPK", "Approved by the PPK"],
  cancelled: ["Dibatalkan", "Cancelled"],
  order_issued: ["Surat Pesanan terbit", "Purchase order issued"],
  order_acknowledged: ["Surat Pesanan diterima penyedia", "Order acknowledged"],
  handed_over: ["Serah terima", "Handed over"],
  closed: ["Ditutup", "Closed"],
  awaiting_order: ["Menunggu Surat Pesanan", "Awaiting the order"],
  ready_for_preparation: ["Siap disiapkan", "Ready for preparation"],
  preparing: ["Disiapkan", "Preparing"],
  shipping: ["Dalam pengiriman", "Shipping"],
  delivered: ["Terkirim", "Delivered"],
  inspected: ["Diperiksa (BAP)", "Inspected (BAP)"],
  paid: ["Lunas", "Paid"],
  completed: ["Selesai", "Completed"],
  pending: ["Menunggu penilaian", "Awaiting rating"],
  rated: ["Dinilai", "Rated"],
  replied: ["Ditanggapi", "Replied"],
};

export function stateName(state: string | null | undefined): string {
  if (!state) return "–";
  const names = STATES[state];
  return names ? t(names[0], names[1]) : state;
}

export const ROLES: Record<string, [string, string]> = {
  ppk: ["PPK (Pejabat Pembuat Komitmen)", "PPK (commitment officer)"],
  procurement_official: ["Pejabat Pengadaan", "Procurement official"],
  vendor: ["Penyedia", "Vendor"],
  auditor: ["Auditor", "Auditor"],
  admin: ["Admin UKPBJ", "Admin"],
};

export function roleName(role: string): string {
  const names = ROLES[role];
  return names ? t(names[0], names[1]) : role;
}
