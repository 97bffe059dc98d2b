// The page's footer names the same version, source commit and built-in layout versions as
// `pmhcsv --version` (issue 14), so staff and a vendor can tell that both check by the same
// rules. Run with the other browser tests (`cargo xtask e2e`); environment as in app.test.mjs.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const htmlPath = resolve(process.env.PMH_HTML ?? join(root, "dist/pmh-csv-builder.html"));
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

let browser;

before(async () => {
  assert.ok(existsSync(htmlPath), `${htmlPath} is missing: run \`cargo xtask web\` first`);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
});

/** `pmhcsv --version` as { version, commit, layouts: [[id, version]] }. */
function cliVersion() {
  const candidates = [
    process.env.PMHCSV,
    join(root, process.env.CARGO_TARGET_DIR ?? "target", "debug/pmhcsv"),
    join(root, "target/debug/pmhcsv"),
  ].filter((p) => p && existsSync(p));
  assert.ok(candidates.length, "no pmhcsv binary: run `cargo xtask e2e`");
  const result = spawnSync(candidates[0], ["--version"], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\n");
  const version = lines[0].match(/^pmhcsv (\S+)$/)?.[1];
  const commit = lines[1].match(/^commit: (\S+)/)?.[1];
  const layouts = lines.slice(2).map((l) => l.match(/^layout (\S+): (\S+) /).slice(1, 3));
  assert.ok(version && commit && layouts.length === 2, result.stdout);
  return { version, commit, layouts };
}

test("the footer shows what pmhcsv --version prints", async () => {
  const cli = cliVersion();
  const page = await browser.newPage();
  await page.goto(pathToFileURL(htmlPath).href);
  const footer = (await page.locator("#version").textContent()).trim();
  // `cargo xtask` marks a build from uncommitted changes `-dirty`; the CLI under test may
  // have been built by plain cargo from the same commit.
  const commit = footer.match(/コミット ([0-9a-f]{7,40})(-dirty)?）/)?.[1] ?? "unknown";
  assert.equal(commit, cli.commit.replace(/-dirty$/, ""));
  const layouts = cli.layouts.map(([id, v]) => `${id} ${v}`).join("、");
  const shownCommit = footer.match(/（(.*)）/)[1];
  assert.equal(footer, `pmhcsv ${cli.version}（${shownCommit}）／ レイアウト: ${layouts}`);
  await page.close();
});
