// End-to-end tests of the offline page in a real browser: Debian's headless Chromium driven
// by playwright-core (which never downloads a browser), page loaded from disk via file://.
//
// Run: `cargo xtask e2e` (builds the page first), or `node --test` in this directory once
// dist/pmh-csv-builder.html exists. Environment: PMH_HTML (page to test), CHROMIUM (browser,
// default /usr/bin/chromium). Screenshots of each step go to ./artifacts/ (gitignored).
//
// The tests share one browser page and run in order: each builds on the previous step.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const htmlPath = resolve(process.env.PMH_HTML ?? join(here, "../../dist/pmh-csv-builder.html"));
const pageUrl = pathToFileURL(htmlPath).href;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifacts = join(here, "artifacts");

const TITLE_JA = "PMH 医療費助成 アップロードファイル作成";
const TITLE_EN = "PMH medical subsidy upload file builder";
const PRIVACY_JA = "このページはインターネットに接続せず、データはこのパソコンの外に送信されません。";
const PRIVACY_EN = "This page does not connect to the internet, and your data never leaves this computer.";
const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; " +
  "worker-src blob:; connect-src 'none'; img-src data: blob:";

/** Every request the browser context saw (page and workers), in order. */
const requests = [];
/** Console errors and uncaught exceptions (page and workers). */
const errors = [];
let userDataDir;
let context;
let page;

async function screenshot(name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

before(async () => {
  assert.ok(existsSync(htmlPath), `${htmlPath} is missing: run \`cargo xtask web\` first`);
  assert.ok(existsSync(executablePath), `${executablePath} is missing: apt-get install chromium`);
  await mkdir(artifacts, { recursive: true });
  userDataDir = await mkdtemp(join(tmpdir(), "pmh-e2e-profile-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1366, height: 768 },
    locale: "ja-JP",
  });
  context.on("request", (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    if (message.type() === "error") {
      errors.push(`console${message.worker() ? " (worker)" : ""}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.stack ?? error}`));
});

after(async () => {
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

test("boots: Japanese title and privacy sentence, no console errors", async (t) => {
  const started = Date.now();
  await page.goto(pageUrl);
  await page.getByRole("heading", { level: 1, name: TITLE_JA }).waitFor();
  await page.locator("#worker-status.is-ready").waitFor();
  t.diagnostic(`page booted and worker ready in ${Date.now() - started} ms`);

  assert.equal(await page.title(), TITLE_JA);
  assert.equal(await page.locator("html").getAttribute("lang"), "ja");
  assert.ok(await page.getByText(PRIVACY_JA, { exact: true }).isVisible());
  assert.ok(await page.locator("#paste-area").isVisible());
  assert.ok(await page.getByText("ファイルを選択…", { exact: true }).isVisible());
  assert.equal(await page.locator("#file-input").getAttribute("type"), "file");
  assert.ok(await page.locator("#pmh-fatal").isHidden(), "fatal-error banner is shown");
  await screenshot("01-boot");
  assert.deepEqual(errors, []);
});

test("the worker answers a paste, with the same wasm binary in a Blob-URL worker", async () => {
  const workers = page.workers();
  assert.equal(workers.length, 1, "exactly one worker");
  assert.match(workers[0].url(), /^blob:/);

  // Typed text + button.
  const tsv = "氏名\t個人番号\t生年月日\n山田 太郎\t123456789018\t1980-01-02\n佐藤 花子\t987654321098\t1975-12-31\n";
  await page.locator("#paste-area").fill(tsv);
  await page.locator("#paste-submit").click();
  const summary = page.locator("#result-summary");
  await summary.waitFor();
  assert.equal(
    await summary.textContent(),
    `${Buffer.byteLength(tsv)} バイト、3 行、見出し 3 列（タブ区切り）を受け取りました。`,
  );
  await screenshot("02-paste-button");

  // A real paste fires `input` with inputType "insertFromPaste": checked without a click.
  await page.locator("#paste-area").evaluate((area) => {
    area.value = "a,b\r\n1,2\r\n3,4\r\n5,6";
    area.dispatchEvent(new InputEvent("input", { inputType: "insertFromPaste", bubbles: true }));
  });
  await page.getByText("4 行、見出し 2 列（カンマ区切り）", { exact: false }).waitFor();
  await screenshot("03-paste-event");
  assert.deepEqual(errors, []);
});

test("picked and dropped files reach the worker, with progress shown", async () => {
  // Record every text the results area shows, to see the worker's progress messages.
  await page.locator("#results").evaluate((results) => {
    window.__resultTexts = [];
    new MutationObserver(() => window.__resultTexts.push(results.textContent)).observe(results, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  const line = "1\t2\t3\t4\n";
  const big = Buffer.from(line.repeat(1_000_000)); // 8 MB: about 100 progress messages
  await page.locator("#file-input").setInputFiles({
    name: "受給者一覧.tsv",
    mimeType: "text/tab-separated-values",
    buffer: big,
  });
  await page.getByText("1,000,000 行、見出し 4 列（タブ区切り）", { exact: false }).waitFor();
  assert.ok(await page.getByText("ファイル「受給者一覧.tsv」").isVisible());
  const texts = await page.evaluate(() => window.__resultTexts);
  assert.ok(
    texts.some((text) => /確認中… [\d,]+ \/ 8,000,000 バイト（\d+%）/.test(text)),
    `no progress message among ${texts.length} renders`,
  );
  await screenshot("04-file-picked");

  // Drag and drop: the same path, through the drop zone.
  await page.locator(".drop-zone").evaluate((zone) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["x,y\n1,2\n"], "dropped.csv", { type: "text/csv" }));
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.getByText("ファイル「dropped.csv」").waitFor();
  await page.getByText("8 バイト、2 行、見出し 2 列（カンマ区切り）", { exact: false }).waitFor();
  await screenshot("05-file-dropped");
  assert.deepEqual(errors, []);
});

test("the language toggle switches to English and back", async () => {
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { level: 1, name: TITLE_EN }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  assert.equal(await page.title(), TITLE_EN);
  assert.ok(await page.getByText(PRIVACY_EN, { exact: true }).isVisible());
  assert.match(await page.locator("#result-summary").textContent(), /^Received 8 bytes, 2 lines/);
  assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed"), "true");
  await screenshot("06-english");

  await page.getByRole("button", { name: "日本語" }).click();
  await page.getByRole("heading", { level: 1, name: TITLE_JA }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "ja");
  assert.deepEqual(errors, []);
});

test("zero network requests, and the CSP blocks any attempt", async (t) => {
  // Everything so far (boot, worker start, checks, toggling) stayed on this machine.
  const isLocal = (url) => url === pageUrl || url.startsWith("blob:") || url.startsWith("data:");
  t.diagnostic(`requests seen: ${JSON.stringify(requests.map((url) => url.slice(0, 60)))}`);
  assert.ok(requests.includes(pageUrl), "the page's own load was recorded");
  assert.deepEqual(requests.filter((url) => !isLocal(url)), []);

  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  assert.equal(csp.replace(/\s+/g, " ").trim(), CSP);
  assert.ok(!csp.includes("'unsafe-eval'"));

  const attempt = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
    let outcome;
    try {
      await fetch("https://example.com/");
      outcome = "fetched";
    } catch (error) {
      outcome = error.name;
    }
    await new Promise((done) => setTimeout(done, 200));
    return { outcome, violations };
  });
  assert.equal(attempt.outcome, "TypeError");
  assert.deepEqual(attempt.violations, ["connect-src"]);
  // The only errors are the browser's reports of the blocked fetch.
  assert.ok(errors.length > 0);
  for (const error of errors) {
    assert.match(error, /example\.com.*Content Security Policy/);
  }
  await screenshot("07-after-csp-check");
});
