// One procurement through the 27 SOP steps in the console, as the PPK, the procurement official
// and the vendors switching users on the development sign-in page, in a real headless Chromium
// (Debian's /usr/bin/chromium through playwright-core), taking the SOP's branches on the way:
// a failed competition (11b), a PPK rejection (20b), a refused negotiation price shown next to
// its field (17), a rejected round with counter-prices (17b), an addendum (24a) and two
// instalments (26). axe-core checks every main screen (0 serious or critical violations) and
// that every action button has a name for screen readers; screenshots go to SCREENSHOTS.
//
// Environment: BASE_URL (the console's origin), PEOPLE (JSON: ppk, official, auditor ids),
// VENDORS (JSON list of {id, name, product_price}), CATEGORY, SCREENSHOTS (a directory),
// CHROMIUM (default /usr/bin/chromium).
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const PEOPLE = JSON.parse(process.env.PEOPLE ?? '{"ppk":"ppk-budi","official":"pp-sari","auditor":"auditor-inspektorat"}');
const VENDORS = JSON.parse(process.env.VENDORS ?? "[]");
const CATEGORY = process.env.CATEGORY ?? "laptop";
const SHOTS = process.env.SCREENSHOTS ?? "";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
const started = Date.now();
const covered = [];

function log(step, what) {
  covered.push(step);
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] step ${step.padEnd(4)} ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
// A browser in another time zone: the console must still show WIB.
const context = await browser.newContext({ locale: "id-ID", timezoneId: "Europe/Amsterdam", viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(20_000);
const consoleErrors = [];
page.on("pageerror", (error) => consoleErrors.push(String(error)));

const pdf = (name) => ({ name, mimeType: "application/pdf", buffer: PDF });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let shotNo = 0;

async function shoot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
  shotNo += 1;
}

const audited = new Set();
async function audit(name) {
  if (audited.has(name)) return;
  audited.add(name);
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const found = await window.axe.run(document, { resultTypes: ["violations"] });
    const unnamed = [...document.querySelectorAll("button, [data-action]")]
      .filter((el) => !(el.getAttribute("aria-label") || el.textContent || "").trim())
      .map((el) => el.outerHTML.slice(0, 120));
    return {
      violations: found.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`),
      unnamed,
    };
  });
  if (result.violations.length || result.unnamed.length) {
    throw new Error(`accessibility of ${name}: ${JSON.stringify(result, null, 1)}`);
  }
  console.log(`         a11y   ${name}: 0 serious violations, every action named`);
}

async function goto(path) {
  await page.goto(`${BASE}/#${path}`);
}

async function signInAs(personId) {
  await goto("/login");
  await page.locator(`button[data-person="${personId}"]`).click();
  await page.locator("#work-title").waitFor();
}

async function settle() {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

async function noProblem(what) {
  await settle();
  const problem = page.locator('[data-testid="problem"], [data-testid="field-error"]');
  if (await problem.count()) throw new Error(`${what}: ${(await problem.allInnerTexts()).join(" | ")}`);
}

async function act(action, what) {
  await page.locator(`[data-action="${action}"]`).first().click();
  await noProblem(`${action} (${what})`);
}

async function state(expected, timeout = 20_000) {
  await page.locator(`[data-testid="state"][data-state="${expected}"]`).first().waitFor({ timeout });
}

/** Reload `path` until `selector` shows (a hand-off between services is asynchronous). */
async function until(path, selector, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await goto(path);
    await page.reload();
    try {
      await page.locator(selector).first().waitFor({ timeout: 1500 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} on ${path}`);
    }
  }
}

const idFrom = (prefix) => new URL(page.url()).hash.split(`${prefix}/`)[1].split(/[/?#]/)[0];

/** A WIB datetime-local value `seconds` from now. */
function wibIn(seconds) {
  const value = new Date(Date.now() + seconds * 1000 + 7 * 3600 * 1000).toISOString().slice(0, 19);
  return value.endsWith(":00") ? value.slice(0, 16) : value; // the browser drops ":00" seconds
}

// --- steps 1–5: the PPK's request, the official's return (4) and acceptance -----------------
await goto("/login");
await audit("sign-in");
await shoot("01-sign-in");
await signInAs(PEOPLE.ppk);
await page.locator('[data-action="draft"]').click();
await page.getByLabel("Kode RUP", { exact: true }).fill("RUP-2026-1.02.0042");
await page.getByLabel("Nomor DPA", { exact: true }).fill("DPA/1.02.01/2026");
await page.getByLabel("Pagu (Rp)", { exact: true }).fill("125.000.000");
await page.getByLabel("Judul", { exact: true }).fill("Pengadaan laptop Dinas Kesehatan");
await page.getByLabel("Alamat pengiriman", { exact: true }).fill("Jl. Raya Jabon KM 6, Mojoanyar, Kabupaten Mojokerto");
await page.getByLabel("Spesifikasi", { exact: true }).fill("Laptop 14 inci, Core i5, RAM 16 GB, SSD 512 GB, garansi resmi 2 tahun");
await page.getByLabel("Kategori katalog", { exact: true }).fill(CATEGORY);
await page.getByLabel("Uraian", { exact: true }).fill("Laptop untuk staf Puskesmas");
await page.getByLabel("Jumlah", { exact: true }).fill("10");
await audit("new purchase request");
await shoot("02-new-purchase-request");
await act("draft", "the purchase request");
await state("draft");
const requestId = idFrom("requests");
log("1", `PPK drafted purchase request ${requestId}`);
await page.getByLabel("Berkas", { exact: true }).setInputFiles(pdf("nota-dinas.pdf"));
await act("attach_document", "nota dinas");
await page.getByText("nota-dinas.pdf").waitFor();
log("2", "PPK attached the nota dinas");
await act("submit", "to the official");
await state("submitted");
log("3", "PPK sent the request to the official");
await audit("purchase request");
await shoot("03-purchase-request");

await signInAs(PEOPLE.official);
await page.locator('[data-testid="waiting"] a', { hasText: "Pengadaan laptop Dinas Kesehatan" }).first().waitFor();
await audit("my work (official)");
await shoot("04-my-work-official");
await goto(`/requests/${requestId}`);
await page.getByLabel(/^Alasan pengembalian/).fill("Nota dinas belum ditandatangani kepala dinas");
await act("return", "back to the PPK");
await state("draft");
log("4", "official returned the request (branch: return)");
await signInAs(PEOPLE.ppk);
await goto(`/requests/${requestId}`);
await page.getByText("Nota dinas belum ditandatangani").first().waitFor();
await page.getByLabel("Berkas", { exact: true }).setInputFiles(pdf("nota-dinas-ttd.pdf"));
await act("attach_document", "signed nota dinas");
await page.getByText("nota-dinas-ttd.pdf").waitFor();
await act("submit", "again");
await state("submitted");
log("3", "PPK sent the corrected request again");
await signInAs(PEOPLE.official);
await goto(`/requests/${requestId}`);
await act("accept", "the request");
await state("accepted");
log("4", "official accepted the request");
await goto("/");
await page.locator('[data-testid="waiting"] a', { hasText: "Pengadaan laptop Dinas Kesehatan" }).first().waitFor();
log("5", "official sees the accepted request on 'my work'");

// --- steps 6–13 as a function: a competition over the category ------------------------------
async function competitionRound({ offers, window, label }) {
  await signInAs(PEOPLE.official);
  await goto(`/requests/${requestId}`);
  await act("start_competition", "draft");
  await state("draft");
  const competitionId = idFrom("competitions");
  log("6", `official created the competition draft (${label})`);
  log("7", "specification competition over the catalogue category");
  await page.getByLabel("Pagu (Rp)", { exact: true }).fill("125000000");
  await act("edit", "competition data");
  log("8", "official entered pagu and delivery deadline");
  await page.getByLabel("Batas penawaran (WIB)").fill(wibIn(window));
  const opened = Date.now();
  await act("open", "offers");
  await state("open");
  log("9", `official opened the competition (deadline in ${window}s, WIB)`);
  if (label === "final") {
    await audit("competition (official)");
    await shoot("05-competition-open");
  }
  for (const offer of offers) {
    await signInAs(`vendor:${offer.vendor.id}`);
    await goto(`/competitions/${competitionId}`);
    await page.getByLabel("Harga satuan (Rp)").fill(String(offer.price));
    await page.getByLabel("Ongkos kirim (Rp)").fill(String(offer.shipping));
    await act("submit_offer", `${offer.vendor.name}'s offer`);
    await page.locator('[data-action="revise_offer"]').waitFor();
    let what = `${offer.vendor.name} submitted a sealed offer`;
    if (offer.revise) {
      await page.getByLabel("Harga satuan (Rp)").fill(String(offer.revise));
      await act("revise_offer", "revision");
      await page.getByText("#2").first().waitFor();
      what += ", then revised it";
    }
    if (offer.withdraw) {
      await act("withdraw_offer", "withdrawal");
      await page.locator('[data-action="submit_offer"]').waitFor();
      what += ", then withdrew it";
    }
    if (label === "final" && offer.shot) {
      await audit("sealed offer (vendor)");
      await shoot("06-sealed-offer-vendor");
    }
    log("10", what);
  }
  if (offers.length === 0) log("10", "no vendor offered before the deadline");
  await signInAs(PEOPLE.official);
  const wait = opened + window * 1000 + 1500 - Date.now();
  if (wait > 0) await sleep(wait);
  await goto(`/competitions/${competitionId}`);
  await act("evaluate", "the offers");
  return competitionId;
}

// 11b: the first competition fails (no offers); the request is the official's again.
const failedId = await competitionRound({ offers: [], window: 6, label: "failed" });
await state("evaluated:failed");
log("11b", "official evaluated: the competition failed (no offers)");
await act("publish", "failed result");
await state("published");
log("12", "official published the failed result");
await until(`/requests/${requestId}`, '[data-action="start_competition"]');
log("11b", "the request is back with the official to compete again");
void failedId;

const [winner, second, third] = VENDORS; // the catalogue's cheapest product wins
async function successfulRound(label, offers, window) {
  const competitionId = await competitionRound({ offers, window, label });
  await state("evaluated:succeeded");
  await page.locator('[data-testid="leaderboard"] tbody tr').first().waitFor();
  log("11a", `official evaluated: succeeded, leaderboard of ${offers.filter((o) => !o.withdraw).length}`);
  if (label === "final") {
    await audit("leaderboard");
    await shoot("07-leaderboard");
  }
  await act("publish", "result");
  await state("published");
  log("12", "official published the result");
  await act("generate_package", "package");
  await state("package_generated");
  log("13", "official generated the e-purchasing package");
  const packageLink = page.locator('a[href^="#/packages/"]').first();
  await packageLink.waitFor();
  const packageId = (await packageLink.getAttribute("href")).split("/packages/")[1];
  return { competitionId, packageId };
}

async function ordering14to19(packageId, negotiate) {
  await until(`/packages/${packageId}`, '[data-action="process"]');
  await act("process", "package");
  await state("processing");
  log("14", "official processed the package");
  await signInAs(`vendor:${winner.id}`);
  await goto(`/packages/${packageId}`);
  await state("processing");
  log("15", "the vendor's e-mail is shown on the package");
  log("16", "vendor signed in and reviewed the package");
  await signInAs(PEOPLE.official);
  await goto(`/packages/${packageId}`);
  await negotiate();
  await signInAs(`vendor:${winner.id}`);
  await goto(`/packages/${packageId}`);
  await act("approve", "purchase request");
  await state("vendor_approved");
  log("18", "vendor approved the purchase request");
  await signInAs(PEOPLE.official);
  await goto(`/packages/${packageId}`);
  await act("send_to_ppk", "to the PPK");
  await state("awaiting_ppk");
  log("19", "official sent the package to the PPK");
  await signInAs(PEOPLE.ppk);
  await goto(`/packages/${packageId}`);
}

// 20b: the second competition succeeds, the PPK rejects its package.
{
  const { packageId } = await successfulRound("rejected", [{ vendor: winner, price: winner.offer, shipping: 350000 }], 12);
  await ordering14to19(packageId, async () => {
    const first = page.getByLabel(/^Harga satuan baris 1/);
    await first.fill(String(winner.offer - 100000));
    await act("propose", "proposal");
    await state("negotiating");
    log("17", "official proposed a lower price");
    await signInAs(`vendor:${winner.id}`);
    await goto(`/packages/${packageId}`);
    await act("accept_proposal", "proposal");
    await state("agreed");
    log("17a", "vendor agreed to the proposed price");
  });
  await page.getByLabel(/^Alasan \(Tolak paket/).fill("Spesifikasi garansi tidak sesuai kebutuhan Puskesmas");
  await audit("PPK review");
  await shoot("08-ppk-review");
  await act("ppk_reject", "the package");
  await state("cancelled");
  log("20b", "PPK rejected the package (branch)");
  await signInAs(PEOPLE.official);
  await until(`/requests/${requestId}`, '[data-action="start_competition"]');
  log("20b", "the request is back with the official to compete again");
}

// The final competition: three vendors, a revision and a withdrawal.
const { competitionId: finalCompetitionId, packageId } = await successfulRound(
  "final",
  [
    { vendor: second, price: second.offer + 50000, shipping: 250000, revise: second.offer, shot: true },
    { vendor: third, price: third.offer, shipping: 0, withdraw: true },
    { vendor: winner, price: winner.offer, shipping: 350000 },
  ],
  15,
);
await ordering14to19(packageId, async () => {
  // A price above the vendor's last price: the rule shows as it is typed, and the service's
  // refusal is shown next to the field it names.
  const first = page.getByLabel(/^Harga satuan baris 1/);
  await first.fill(String(winner.offer + 500000));
  await page.locator('[data-field="prices"] [data-testid="rule-warning"]').first().waitFor();
  await page.locator('[data-action="propose"]').click();
  await settle();
  const refused = page.locator('[data-field="prices"] [data-testid="field-error"]').first();
  await refused.waitFor();
  const message = await refused.innerText();
  if (!/melebihi harga terakhir penyedia/i.test(message)) throw new Error(`unexpected refusal: ${message}`);
  console.log(`         17     refused proposal shown next to its field: "${message}"`);
  await audit("negotiation (refused price)");
  await shoot("09-negotiation-refused-price");
  await first.fill(String(winner.offer - 500000));
  await act("propose", "proposal");
  await state("negotiating");
  log("17", "official proposed a lower price (after a refused one)");
  await signInAs(`vendor:${winner.id}`);
  await goto(`/packages/${packageId}`);
  await page.getByLabel(/^Harga satuan baris 1/).fill(String(winner.offer - 200000));
  await page.getByLabel(/^Alasan$/).fill("Harga tersebut di bawah harga pokok kami");
  await act("reject_proposal", "counter");
  await state("negotiation_rejected");
  log("17b", "vendor rejected the proposal with counter-prices");
  await signInAs(PEOPLE.official);
  await goto(`/packages/${packageId}`);
  await act("accept_counter", "counter");
  await state("agreed");
  log("17a", "official accepted the vendor's counter-prices");
});
await act("ppk_approve", "the package");
await state("ppk_approved");
log("20a", "PPK approved the package");
await page.getByLabel("Syarat dan ketentuan").fill("Pembayaran setelah BAST; garansi resmi 2 tahun.");
await page.getByLabel("Surat Pesanan bertanda tangan").setInputFiles(pdf("surat-pesanan.pdf"));
await act("issue_purchase_order", "order");
await state("order_issued");
log("21", "PPK issued the Surat Pesanan");
await signInAs(`vendor:${winner.id}`);
await goto(`/packages/${packageId}`);
await act("acknowledge_order", "order");
await state("order_acknowledged");
await audit("package and purchase order");
await shoot("10-package-purchase-order");
log("22", "vendor acknowledged the order");

// --- steps 23–27 on delivery and rating ---------------------------------------------------------
await until(`/fulfilments/${requestId}`, '[data-action="start_preparation"]');
await act("start_preparation", "preparation");
await state("preparing");
log("23", "vendor started preparing the goods");
await signInAs(PEOPLE.ppk);
await goto(`/packages/${packageId}`);
await page.getByLabel("Alasan adendum").fill("Penambahan 1 unit untuk Puskesmas Mojosari");
await page.getByLabel(/^Jumlah baru baris 1/).fill("11");
await page.getByLabel("Adendum bertanda tangan").setInputFiles(pdf("addendum.pdf"));
await act("amend_order", "addendum");
await page.locator('[data-testid="purchase-order"] tbody tr').nth(1).waitFor();
log("24a", "PPK amended the order (11 units)");
await signInAs(`vendor:${winner.id}`);
for (const [status, note] of [["packed", "dikemas di gudang Surabaya"], ["shipped", "diserahkan ke kurir"], ["in_transit", "dalam perjalanan Surabaya - Mojokerto"], ["delivered", "diterima di gudang Dinas Kesehatan"]]) {
  await goto(`/fulfilments/${requestId}`);
  await page.getByLabel("Status", { exact: true }).selectOption(status);
  await page.getByLabel("Kurir").fill("JNE Trucking");
  await page.getByLabel("Nomor resi").fill("JT0012345678");
  await page.getByLabel("Catatan", { exact: true }).fill(note);
  await act("record_shipment", status);
  await page.locator('[data-testid="shipments"]').getByText(note, { exact: true }).first().waitFor();
  log("25", `vendor recorded shipping status '${status}'`);
}
await state("delivered");
await audit("shipping history");
await shoot("11-shipping-history");
await signInAs(PEOPLE.ppk);
await goto(`/fulfilments/${requestId}`);
await page.getByLabel(/Berita Acara Pemeriksaan/).setInputFiles(pdf("bap.pdf"));
await act("inspect_goods", "BAP");
await state("inspected");
log("26", "PPK inspected the goods (BAP)");
await page.getByLabel(/Berita Acara Serah Terima/).setInputFiles(pdf("bast.pdf"));
await act("hand_over_goods", "BAST");
await state("handed_over");
log("26", "PPK took over the goods (BAST)");
// Two instalments: the first of 40.000.000, the second the rest.
await until(`/fulfilments/${requestId}`, '[data-action="record_payment"]');
await page.getByLabel("Jumlah (Rp)").fill("40.000.000");
await page.getByLabel(/SP2D/).setInputFiles(pdf("sp2d-1.pdf"));
await page.getByLabel("Kuitansi").setInputFiles(pdf("kwitansi-1.pdf"));
await act("record_payment", "instalment 1");
await page.locator('[data-testid="payments"] li', { hasText: "Rp 40.000.000" }).first().waitFor();
log("26", "PPK recorded instalment 1 (Rp 40.000.000)");
await goto(`/fulfilments/${requestId}`);
await page.reload();
await page.getByLabel(/SP2D/).setInputFiles(pdf("sp2d-2.pdf"));
await page.getByLabel("Kuitansi").setInputFiles(pdf("kwitansi-2.pdf"));
await act("record_payment", "instalment 2");
await state("paid");
log("26", "PPK recorded instalment 2 (the rest)");
await audit("delivery and payment");
await shoot("12-delivery-payment");
await act("complete_package", "completion");
await state("completed");
log("27", "PPK completed the package");
await until(`/procurements/${requestId}`, 'a[href^="#/ratings/"]');
await page.locator('a[href^="#/ratings/"]').first().click();
await page.locator('[data-action="rate"]').waitFor();
await page.getByLabel("Komentar").fill("Barang sesuai spesifikasi dan tiba tepat waktu.");
await audit("rating");
await shoot("13-rating");
await act("rate", "rating");
await state("rated");
log("27", "PPK rated the vendor");

// --- the auditor's read-only view, the public pages, English ---------------------------------
await signInAs(PEOPLE.auditor);
await until(`/procurements/${requestId}`, '[data-testid="overview"] [data-state="closed"]');
await page.locator('[data-testid="overview"] [data-state="fulfilled"]').first().waitFor();
const buttons = await page.locator("#content [data-action]").count();
if (buttons !== 0) throw new Error(`the auditor's view shows ${buttons} action buttons`);
await audit("procurement history (auditor)");
await shoot("14-procurement-history-auditor");
log("audit", "auditor: the procurement across the four services, read-only, with its history");
await goto("/");
await shoot("15-my-work-auditor");

await page.locator('[data-action="sign-out"]').click();
await goto(`/public/competitions/${finalCompetitionId}`);
await page.locator('[data-testid="public-result"]').getByText(winner.name).first().waitFor();
await audit("public result");
await shoot("17-public-result");
log("pub", "the published result without sign-in");
await goto(`/public/vendors/${winner.id}`);
await page.locator('[data-testid="scorecard"]').waitFor();
await audit("public scorecard");
await shoot("16-public-scorecard");
log("pub", "vendor's public scorecard without sign-in");
console.log(`covered: ${[...new Set(covered)].join(", ")}`);
if (consoleErrors.length) throw new Error(`page errors: ${consoleErrors.join("; ")}`);
await browser.close();
console.log(`console browser test passed in ${((Date.now() - started) / 1000).toFixed(1)}s, ${shotNo} screenshots`);
