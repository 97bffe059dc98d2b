// Benchmark of the offline page in headless Chromium (not a test: it prints numbers).
//
// Run: `cargo xtask bench-web` (builds the page and the paste data, then runs this).
// Environment: PMH_HTML (page), PMH_BENCH_TSV (the paste: a synthetic 全件 file as Excel puts it
// on the clipboard), PMH_NATIVE_JSON (the native timings of the same checker run, from
// `bench_native`), PMH_BENCH_AS_OF (the reference date both are checked with, YYYY-MM-DD),
// CHROMIUM (browser, default /usr/bin/chromium), PMH_PROFILE (optional: a file to write a CPU
// profile of the worker during step 4 to, and print its top functions; build the page with
// PMH_WASM_NAMES=1 so that they have names: `PMH_WASM_NAMES=1 PMH_PROFILE=/tmp/w.cpuprofile
// cargo xtask bench-web`. Step 4's times then include the profiler's cost).
//
// Measures, on a 100,000-row paste:
//   1. paste → column mapping shown, and "check" → summary and first grid page shown;
//   2. editing one cell: the worker's re-check time and the time until the change is on screen;
//   3. scrolling the grid: frame times while scrolling, and frames showing unloaded rows;
//   4. the same core checker run in the worker (wasm) and natively: the throughput ratio.

import { chromium } from "playwright-core";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const htmlPath = resolve(process.env.PMH_HTML ?? join(here, "../../dist/pmh-csv-builder.html"));
const tsvPath = resolve(process.env.PMH_BENCH_TSV ?? "bench-paste.tsv");
const native = JSON.parse(process.env.PMH_NATIVE_JSON ?? "null");
const asOf = process.env.PMH_BENCH_AS_OF ?? "2022-01-01";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifacts = join(here, "artifacts");

if (!existsSync(htmlPath) || !existsSync(tsvPath)) {
  console.error(`bench: missing ${existsSync(htmlPath) ? tsvPath : htmlPath} (run \`cargo xtask bench-web\`)`);
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] : NaN;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "n/a");

const profilePath = process.env.PMH_PROFILE;

// Starts V8's sampling profiler in the page's worker (the checker's thread) through the
// browser's DevTools protocol; `stop()` writes the profile (open it in DevTools' Performance
// panel) and returns the functions with the most self time.
async function profileWorker(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send("Target.getTargets");
  const worker = targetInfos.find((t) => t.type === "worker");
  if (!worker) throw new Error("bench: PMH_PROFILE: the page has no worker to profile");
  // Not flattened: commands reach the worker through Target.sendMessageToTarget.
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: worker.targetId, flatten: false });
  let nextId = 0;
  const pending = new Map();
  cdp.on("Target.receivedMessageFromTarget", (e) => {
    const message = JSON.parse(e.message);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  return {
    async stop() {
      const { result } = await send("Profiler.stop");
      const profile = result.profile;
      writeFileSync(profilePath, JSON.stringify(profile));
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const self = new Map();
      let total = 0;
      profile.samples.forEach((id, i) => {
        const name = (byId.get(id).callFrame.functionName || "(program)").replace(/::h[0-9a-f]{16}$/, "");
        const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
        self.set(name, (self.get(name) ?? 0) + ms);
        total += ms;
      });
      return [...self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([name, ms]) => `${f1(ms).padStart(8)} ms ${f1((100 * ms) / total).padStart(5)} %  ${name}`);
    },
  };
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: "ja-JP" });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
const requests = [];
page.on("request", (r) => requests.push(r.url()));
page.setDefaultTimeout(120_000);

// The page checks with its local date as the reference date (R003): fixed to the date the
// native run is given (PMH_BENCH_AS_OF), so both time the same work on any day. Only `Date` is
// replaced (`page.clock` would also stop `performance.now()`, which times everything here).
await page.addInitScript((fixed) => {
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [fixed]));
    }
    static now() {
      return fixed;
    }
  };
}, new Date(`${asOf}T09:00:00+09:00`).getTime());
await page.goto(pathToFileURL(htmlPath).href);
await page.locator("#worker-status.is-ready").waitFor();

// Get the paste text into the page without timing it: a throw-away file input reads the file
// from disk (no copy through the driver), and the text waits in a global.
await page.evaluate(() => {
  const input = document.createElement("input");
  input.type = "file";
  input.id = "bench-source";
  input.hidden = true;
  document.body.append(input);
});
await page.locator("#bench-source").setInputFiles(tsvPath);
const chars = await page.evaluate(async () => {
  const input = document.getElementById("bench-source");
  window.__benchText = await input.files[0].text();
  input.remove();
  return window.__benchText.length;
});

// 1. Paste → mapping → results.
const mark = (name) => page.evaluate((n) => performance.getEntriesByName(n).at(-1)?.startTime ?? NaN, name);
await page.evaluate(() => {
  performance.clearMarks();
  const area = document.getElementById("paste-area");
  const transfer = new DataTransfer();
  transfer.setData("text/plain", window.__benchText);
  performance.mark("bench:paste");
  area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
});
await page.locator("#run-check").waitFor();
await page.screenshot({ path: join(artifacts, "bench-1-mapping.png") });
const pasteToMapping = (await mark("pmh:mapping-shown")) - (await mark("bench:paste"));
await page.locator("#run-check").click();
await page.locator("#verdict").waitFor();
await page.locator('#grid [data-r="2"][data-c="1"]').waitFor();
const checkToResults = (await mark("pmh:results-shown")) - (await mark("pmh:check"));
const workerCheck = await page.evaluate(() => document.querySelector(".summary-box .small")?.textContent ?? "");
await page.screenshot({ path: join(artifacts, "bench-2-results.png") });

// 2. Edit one cell, several times (different rows, so the certificate groups differ).
const edits = [];
for (const [row, value] of [
  [50, "山田花子"],
  [20_000, "佐藤次郎"],
  [50_001, "999999999999"],
  [75_000, "2020-02-30"],
  [99_999, "田中一"],
  [50, "山田太郎"],
  [1_234, "鈴木"],
  [88_888, "高橋"],
  [42, "伊藤"],
  [64_000, "渡辺"],
]) {
  const col = /^\d+$/.test(value) ? 2 : value.includes("-") ? 6 : 3;
  await page.evaluate(({ row }) => {
    const grid = document.getElementById("grid");
    grid.scrollTop = Math.max(0, (row - 2 - 3) * 28);
  }, { row });
  const cell = page.locator(`#grid [data-r="${row}"][data-c="${col}"]`);
  await cell.click();
  await page.keyboard.press("F2");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(value);
  const changed = await page.evaluate(() => performance.getEntriesByName("pmh:changed").length);
  await page.keyboard.press("Enter");
  // The worker answered, and the page rendered the new summary after the edit.
  await page.waitForFunction((n) => performance.getEntriesByName("pmh:changed").length > n, changed, { timeout: 20_000 });
  await page.waitForFunction(() => {
    const e = performance.getEntriesByName("pmh:edit").at(-1);
    const s = performance.getEntriesByName("pmh:summary-shown").at(-1);
    return e && s && s.startTime > e.startTime;
  }, undefined, { timeout: 20_000 });
  const shown = (await mark("pmh:summary-shown")) - (await mark("pmh:edit"));
  if (process.env.PMH_BENCH_DEBUG) console.error(`edited row ${row}`);
  const text = await page.locator("#last-change").textContent();
  const worker = Number(/([\d.]+) ms/.exec(text)?.[1]);
  edits.push({ row, worker, shown });
}
await page.screenshot({ path: join(artifacts, "bench-3-edited.png") });

// 3. Scroll: steady scrolling (a screen every 4 frames), then long jumps.
const scroll = await page.evaluate(async () => {
  const grid = document.getElementById("grid");
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const loadingVisible = () => {
    const top = grid.scrollTop;
    const bottom = top + grid.clientHeight;
    return [...grid.querySelectorAll(".grid-row.is-loading")].some((row) => {
      const y = row.offsetTop + 46;
      return y + 28 > top + 46 && y < bottom;
    });
  };
  const run = async (frames, step) => {
    const times = [];
    let blank = 0;
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      grid.scrollTop += step;
      await frame();
      const now = performance.now();
      times.push(now - last);
      last = now;
      if (loadingVisible()) blank++;
    }
    return { times, blank };
  };
  grid.scrollTop = 0;
  await frame();
  const steady = await run(240, 100);
  const jumps = await run(60, 28 * 1500);
  return { steady, jumps };
});
await page.screenshot({ path: join(artifacts, "bench-4-scrolled.png") });

// 4. The core checker in the worker vs natively.
const profiler = profilePath ? await profileWorker(browser) : null;
await page.evaluate(() => window.pmhBench(5));
await page.waitForFunction(() => typeof window.__pmhBench === "string");
const wasm = JSON.parse(await page.evaluate(() => window.__pmhBench));
const profileTop = profiler ? await profiler.stop() : [];
await browser.close();

const rows = wasm.rows;
const wasmBest = Math.min(...wasm.runs_ms);
const nativeBest = native ? Math.min(...native.native_ms) : NaN;
const wasmCheckBest = Math.min(...(wasm.check_ms ?? []));
const nativeCheckBest = native?.native_check_ms ? Math.min(...native.native_check_ms) : NaN;
const mb = wasm.bytes / 1e6;
const frameStats = (s) =>
  `mean ${f1(s.times.reduce((a, b) => a + b, 0) / s.times.length)} ms, p95 ${f1(pct(s.times, 95))} ms, ` +
  `max ${f1(Math.max(...s.times))} ms, frames over 50 ms: ${s.times.filter((t) => t > 50).length}/${s.times.length}, ` +
  `frames showing unloaded rows: ${s.blank}/${s.times.length}`;

const lines = [
  `pmh-csv-builder benchmark — ${rows.toLocaleString("en")} rows pasted (${f1(mb)} MB, ${chars.toLocaleString("en")} chars), headless Chromium, 1366×768`,
  ``,
  `paste → column mapping shown:              ${f1(pasteToMapping)} ms`,
  `"check" → summary + first grid page shown: ${f1(checkToResults)} ms   (${workerCheck.split("／").at(-1)?.trim()})`,
  `paste → results, without the user's click: ${f1(pasteToMapping + checkToResults)} ms   (target ≤ 2000 ms)`,
  ``,
  `re-check of one edited row (worker):       median ${f1(median(edits.map((e) => e.worker)))} ms, max ${f1(Math.max(...edits.map((e) => e.worker)))} ms   (target ≤ 50 ms)`,
  `edit → change on screen (page):            median ${f1(median(edits.map((e) => e.shown)))} ms, max ${f1(Math.max(...edits.map((e) => e.shown)))} ms`,
  ``,
  `scrolling, a screen per 4 frames:          ${frameStats(scroll.steady)}`,
  `scrolling, 1,500-row jumps per frame:      ${frameStats(scroll.jumps)}`,
  ``,
  `core checker, worker (wasm):               best ${f1(wasmBest)} ms of ${wasm.runs_ms.map(f1).join(", ")} → ${f1(mb / (wasmBest / 1000))} MB/s`,
  `core checker, native (release):            best ${f1(nativeBest)} ms of ${native ? native.native_ms.map(f1).join(", ") : "n/a"} → ${f1(mb / (nativeBest / 1000))} MB/s`,
  `wasm/native throughput ratio:              ${(nativeBest / wasmBest).toFixed(2)}`,
  `without the SHA-256 of the input (the page hashes once, on reading; the CLI on its reading thread):`,
  `core checker, worker (wasm):               best ${f1(wasmCheckBest)} ms of ${(wasm.check_ms ?? []).map(f1).join(", ")} → ${f1(mb / (wasmCheckBest / 1000))} MB/s`,
  `core checker, native (release):            best ${f1(nativeCheckBest)} ms of ${native?.native_check_ms ? native.native_check_ms.map(f1).join(", ") : "n/a"} → ${f1(mb / (nativeCheckBest / 1000))} MB/s`,
  `wasm/native throughput ratio:              ${(nativeCheckBest / wasmCheckBest).toFixed(2)}   (issue 13's target ≥ 0.7)`,
  ``,
  `network requests other than the page itself: ${requests.filter((u) => !u.startsWith("file:") && !u.startsWith("blob:") && !u.startsWith("data:")).length}`,
];
if (profilePath) {
  lines.push(
    ``,
    `worker profile (step 4, under the profiler: its times above are slower): ${profilePath}`,
    `self time, the 15 largest:`,
    ...profileTop,
  );
}
console.log(lines.join("\n"));
if (errors.length) {
  console.error(`page errors: ${errors.join("\n")}`);
  process.exit(1);
}
