// Counts the user actions of a clerk's two tasks in the offline page (issue 11), in a real
// browser, by doing them: every click, key press, typed value or paste is one action
// (`act`); waiting and reading are not.
//
// First-time task: 30 rows of her own export — her own headers (番号, フリガナ …), 性別 as
// 男/女, two constant fields missing (機関別受給者証種別ID, 不開示フラグ), 6 damaged cells
// (2 My Numbers with a wrong check digit, 2 amounts 「10,000円」, an empty name, an
// impossible date), 1 duplicate row and 2 private extra columns (備考, 電話番号). She maps,
// fills, fixes, saves the mapping and downloads the upload file.
// Next-day task: the same kind of export, clean: paste, check, download.
//
// Targets (issue 11): at most 40 and at most 4 actions. Run: `cargo xtask e2e` (all browser
// tests), or `node --test actions.test.mjs` here once the page is built. The counts are
// printed as test diagnostics and written to artifacts/actions.json.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const htmlPath = resolve(process.env.PMH_HTML ?? join(root, "dist/pmh-csv-builder.html"));
const artifacts = join(here, "artifacts");

/** The My Number check digit of 11 digits (番号法施行令 第8条). */
function myNumber(eleven) {
  const p = [...eleven].reverse().map(Number);
  const sum = p.reduce((s, d, i) => s + d * (i + 1 <= 6 ? i + 2 : i - 4), 0);
  const r = sum % 11;
  return eleven + String(r <= 1 ? 0 : 11 - r);
}

const HEADER = [
  "番号", "氏名", "フリガナ", "住所", "生年月日", "性別", "公費負担者番号", "受給者証名", "公費受給者番号",
  "常に償還払い", "上限額種別", "自己負担上限額（月額）", "有効期間開始日", "有効期間終了日", "備考", "電話番号",
];
const GIVEN = ["花子", "太郎", "一郎", "美咲", "健太", "陽菜", "大翔", "結衣", "蓮", "さくら"];
const GIVEN_KANA = ["ハナコ", "タロウ", "イチロウ", "ミサキ", "ケンタ", "ヒナ", "ヒロト", "ユイ", "レン", "サクラ"];
const FAMILY = ["愛知", "山田", "佐藤"];
const FAMILY_KANA = ["アイチ", "ヤマダ", "サトウ"];

/** The clerk's export: `n` rows (day 0: with the damage; day 1: clean). */
function exportRows(day) {
  const rows = [];
  for (let i = 0; i < 30; i++) {
    const number = myNumber(String(20000000000 + day * 1000 + i * 37).padStart(11, "0"));
    rows.push([
      number,
      `${FAMILY[i % 3]}${GIVEN[i % 10]}`,
      `${FAMILY_KANA[i % 3]}　${GIVEN_KANA[i % 10]}`,
      "愛知県名古屋市中区栄1-1-1",
      `201${i % 10}-0${1 + (i % 9)}-1${i % 10}`,
      i % 2 ? "男" : "女",
      "88134457",
      "子ども医療費受給者証",
      "00012345",
      "0",
      i % 5 === 0 ? "月額" : "",
      i % 5 === 0 ? "10000" : "",
      "2025-04-01",
      "2026-03-31",
      i === 3 ? "要連絡" : "",
      i % 7 === 0 ? `090-0000-${String(1000 + i)}` : "",
    ]);
  }
  if (day === 0) {
    // Six damaged cells.
    rows[4][0] = rows[4][0].slice(0, 11) + String((Number(rows[4][0][11]) + 1) % 10);
    rows[9][0] = rows[9][0].slice(0, 11) + String((Number(rows[9][0][11]) + 3) % 10);
    rows[10][11] = "10,000円";
    rows[15][11] = "10,000円";
    rows[12][1] = "";
    rows[20][13] = "2026-02-30";
    // One duplicate row.
    rows.push([...rows[7]]);
  }
  return rows;
}

const tsv = (rows) => [HEADER, ...rows].map((r) => r.join("\t")).join("\r\n") + "\r\n";

let browser;
let context;
let page;
let actions = 0;
const log = [];

/** One user action. */
async function act(what, fn) {
  actions += 1;
  log.push(what);
  await fn();
}

async function paste(text) {
  await page.locator("#paste-area").evaluate((area, text) => {
    const transfer = new DataTransfer();
    transfer.setData("text/plain", text);
    area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, text);
}

/** Jumps from the first finding of `code` to its cell (sheet row `row`), types `value` over
 * it (Excel's type-to-replace) and confirms with Enter. */
async function fixCell(code, row, value, { ime = false } = {}) {
  await act(`jump to ${code}`, () => page.locator("#findings button", { hasText: code }).first().click());
  try {
    await page.waitForFunction((row) => document.activeElement?.closest("[role=gridcell]")?.dataset?.r === String(row), row, { timeout: 5000 });
  } catch (e) {
    await page.screenshot({ path: join(artifacts, "actions-fail.png") });
    throw new Error(`focus: ${await page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 200))}`);
  }
  // Japanese text goes through the IME, which only an editor receives: F2 first.
  if (ime) await act("F2", () => page.keyboard.press("F2"));
  await act(`type ${value}`, () => page.keyboard.type(value));
  await act("Enter", () => page.keyboard.press("Enter"));
  try {
    await page.waitForFunction(
      ([row, value]) => [...document.querySelectorAll(`#grid [data-r="${row}"]`)].some((c) => c.textContent === value),
      [row, value],
      { timeout: 5000 },
    );
  } catch (e) {
    await page.screenshot({ path: join(artifacts, "actions-fail.png") });
    throw new Error(`row ${row}: ${await page.evaluate((row) => [...document.querySelectorAll(`#grid [data-r="${row}"]`)].map((c) => c.textContent).join("|"), row)}`);
  }
}

before(async () => {
  assert.ok(existsSync(htmlPath), `${htmlPath} is missing: run \`cargo xtask web\` first`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 }, locale: "ja-JP" });
  page = await context.newPage();
  // A fixed clock inside the data's validity (2025-04-01 … 2026-03-31): the page's local date
  // is the reference date of R003 (expired certificates), so the counts do not change with
  // the calendar.
  await page.clock.setFixedTime(new Date("2025-06-02T09:00:00+09:00"));
  page.setDefaultTimeout(20_000);
  page.on("dialog", (d) => d.accept());
  await page.goto(pathToFileURL(htmlPath).href);
  await page.locator("#worker-status.is-ready").waitFor({ state: "attached" });
});

after(async () => {
  await browser?.close();
});

test("first-time 30-row task: at most 40 actions; next-day task: at most 4", async (t) => {
  const day0 = exportRows(0);
  await act("paste (Ctrl+V)", () => paste(tsv(day0)));
  await page.locator("#mapping-heading").waitFor();
  // Her own headers: 番号 and フリガナ are not field names.
  await act("番号 → 個人番号", () => page.locator("#target-0").selectOption("myNumber"));
  if ((await page.locator("#target-2").inputValue()) !== "basicFiveInfo.nameKana") {
    await act("フリガナ → 氏名カナ", () => page.locator("#target-2").selectOption("basicFiveInfo.nameKana"));
  }
  // 性別 男/女 → codes.
  await act("男 → 1", () => page.locator('#value-mapping select[data-value="男"]').selectOption("1"));
  await act("女 → 2", () => page.locator('#value-mapping select[data-value="女"]').selectOption("2"));
  // Two constant fields.
  for (const [field, value] of [["orgSpecificCertificateTypeId", "KODOMO01"], ["isNotDisclosed", "0"]]) {
    await act(`constant ${field}`, () => page.locator("#constant-field").selectOption(field));
    await act(`type ${value}`, () => page.locator("#constant-value").fill(value));
    await act("埋める", () => page.locator("#constant-add").click());
  }
  await act("name the mapping", () => page.locator("#mapping-name").fill("区の様式"));
  await act("save (Enter)", () => page.locator("#mapping-name").press("Enter"));
  await page.locator("#notice", { hasText: "保存しました" }).waitFor();
  await act("check", () => page.locator("#run-check").click());
  await page.locator("#verdict").waitFor();
  t.diagnostic(`after the check: ${await page.locator("#verdict").textContent()} / ${await page.locator("#counts").textContent()}`);
  t.diagnostic(`findings: ${(await page.locator("#findings button").allTextContents()).join(" || ")}`);

  // The duplicate row: one action once it is selected.
  await act("jump to K001", () => page.locator("#findings button", { hasText: "K001" }).first().click());
  await act("leave the row out", () => page.locator("#exclude-row").click());
  await page.waitForFunction(() => !document.querySelector('#code-counts [data-code="K001"]'));
  // The damaged cells (rows: header = 1).
  await fixCell("N001", 6, myNumber(day0[4][0].slice(0, 11)));
  await fixCell("N001", 11, myNumber(day0[9][0].slice(0, 11)));
  // 「10,000円」 twice: replace within the column, once for 円 and once for the comma.
  const amountCol = HEADER.indexOf("自己負担上限額（月額）") + 1;
  await act("select an amount cell", () => page.locator(`#grid [data-r="12"][data-c="${amountCol}"]`).click());
  await act("find 円", () => page.locator("#replace-find").fill("円"));
  await act("replace (empty)", () => page.locator("#replace-run").click());
  await page.locator(`#grid [data-r="12"][data-c="${amountCol}"]`, { hasText: /^10,000$/ }).waitFor();
  await act("find ,", () => page.locator("#replace-find").fill(","));
  await act("replace (empty)", () => page.locator("#replace-run").click());
  await page.locator(`#grid [data-r="12"][data-c="${amountCol}"]`, { hasText: /^10000$/ }).waitFor();
  await fixCell("V001", 14, "愛知一郎", { ime: true });
  await fixCell("V004", 22, "2026-02-28");
  await page.locator("#verdict.is-ready").waitFor();
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    act("download the upload CSV", () => page.locator("#download-csv").click()),
  ]);
  const upload = readFileSync(await file.path(), "utf8");
  // Every recipient once, the codes and constants in, nothing private.
  const lines = upload.split("\r\n").filter(Boolean);
  assert.equal(lines.length, 31, "header + 30 recipients");
  assert.ok(lines.slice(1).every((l) => l.startsWith("KODOMO01,")), "constant 機関別受給者証種別ID");
  for (const v of ["090-0000", "要連絡", ",男,", ",女,", "円"]) assert.ok(!upload.includes(v), `upload holds ${v}`);
  const first = actions;
  t.diagnostic(`first-time task: ${first} actions: ${log.join(" | ")}`);

  // The next day: a new export of the same kind.
  actions = 0;
  log.length = 0;
  await page.reload();
  await page.locator("#worker-status.is-ready").waitFor({ state: "attached" });
  await act("paste (Ctrl+V)", () => paste(tsv(exportRows(1))));
  await page.locator("#mapping-applied").waitFor();
  await act("check", () => page.locator("#run-check").click());
  await page.locator("#verdict.is-ready").waitFor();
  await act("download the upload CSV", () => page.locator("#download-csv").click());
  await page.locator("#notice", { hasText: "_PMH.csv" }).waitFor();
  const next = actions;
  t.diagnostic(`next-day task: ${next} actions: ${log.join(" | ")}`);

  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, "actions.json"), JSON.stringify({ first_time: first, next_day: next }, null, 2) + "\n");
  assert.ok(first <= 40, `first-time task took ${first} actions`);
  assert.ok(next <= 4, `next-day task took ${next} actions`);
});
