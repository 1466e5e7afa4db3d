// Screenshots of every console page, for people to look at (run by hand, not in tests):
// a fresh `takeback serve` (SQLite) with a little benign made-up data (reports of made-up
// fingerprints and addresses on .example hosts, one entry listed and one rejected), signed
// in as an admin, each page saved 1280 pixels wide as bench/console/screenshots/NAME.png.
// Pages not built yet (404) are skipped and said so.
//
//   cargo build -p takeback && node bench/console/screenshots.mjs
//
// Needs web/node_modules (`npm ci --prefix web`) and Chromium (/usr/bin/chromium).

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  analystApi,
  fakePdq,
  launchBrowser,
  seedHeldEntries,
  signIn,
  startConsoleHotline,
} from "../../web/test/e2e/support.mjs";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");

/** Sends a report to the API; returns the receipt. */
async function report(hotline, body) {
  const response = await fetch(`${hotline.url}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ under_18: true, consent_to_share: true, ...body }),
  });
  if (response.status !== 201) throw new Error(`report refused: ${response.status} ${await response.text()}`);
  return response.json();
}

const hotline = await startConsoleHotline();
const browser = await launchBrowser();
try {
  const receipt = await report(hotline, {
    reporter: "young_person",
    hashes: [{ algorithm: "pdq", value: fakePdq(1), quality: 92 }, { algorithm: "pdq", value: fakePdq(2), quality: 75 }],
    urls: ["https://photos.example/album/123", "https://forum.example/t/456"],
  });
  await report(hotline, {
    reporter: "trusted_adult",
    hashes: [{ algorithm: "pdq", value: fakePdq(3), quality: 88 }],
    urls: ["https://share.example/f/789"],
  });
  await seedHeldEntries(hotline, hotline.admin, 6, 100);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${hotline.url}/console`);
  await mkdir(out, { recursive: true });
  const shoot = async (name) => {
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
    console.log(`${name}.png  ${new URL(page.url()).pathname}`);
  };
  await shoot("sign-in");
  await signIn(page, hotline, "tba_not-a-real-token");
  await shoot("sign-in-refused");
  await signIn(page, hotline, hotline.admin);

  // One decision each way, so the queue and the dashboard have something to say.
  for (const decision of ["List", "Reject"]) {
    await page.goto(`${hotline.url}/console/queue`);
    await page.locator("table a").first().click();
    await page.getByRole("button", { name: decision }).click();
    await page.waitForLoadState("load");
  }
  await shoot("entry-after-decision");
  // One address assessed actionable and then marked removed, one escalated, so that the
  // addresses page and the time-to-removal figures have something to show.
  for (const [id, step] of [[2, "Mark removed"], [3, "Escalate"]]) {
    await page.goto(`${hotline.url}/console/addresses/${id}`);
    await page.getByLabel(/^Actionable/).check();
    await page.getByRole("button", { name: "Record assessment" }).click();
    await page.waitForLoadState("load");
    const button = page.getByRole("button", { name: step });
    if (await button.count()) {
      await button.click();
      await page.waitForLoadState("load");
    }
  }
  // A still-held entry, for the entry page with its buttons.
  const [first] = await analystApi(hotline, hotline.admin, "/api/v1/analyst/queue");

  const pages = [
    ["dashboard", "/console/dashboard"],
    ["queue", "/console/queue"],
    ["queue-suspended", "/console/queue?state=suspended"],
    ["entry", `/console/entries/${first.id}`],
    ["addresses", "/console/addresses"],
    ["address", "/console/addresses/1"],
    ["cases", "/console/cases"],
    ["case", `/console/cases/${receipt.case_id}`],
    ["audit", "/console/audit"],
    ["partners", "/console/partners"],
    ["analysts", "/console/analysts"],
  ];
  for (const [name, pagePath] of pages) {
    const response = await page.goto(`${hotline.url}${pagePath}`);
    if (response.status() === 404) {
      console.log(`${name}: ${pagePath} is not built yet (404), skipped`);
      continue;
    }
    await shoot(name);
  }
  await page.goto(`${hotline.url}/console/dashboard`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForLoadState("load");
  await shoot("signed-out");
} finally {
  await browser.close();
  await hotline.stop();
}
