// Browser tests of the reporter pages in every language the hotline offers, in Debian's
// Chromium: the young person's whole report, axe, a 320-pixel phone, the quick exit first
// and visible (mirrored in right-to-left languages), the language switcher, and the
// pseudo-locale (accented, about 40% longer) on every page without overflow.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  generatePictures,
  launchBrowser,
  newPage,
  openContext,
  screenshotDir,
  seriousViolations,
  startHotline,
} from "./support.mjs";
import { mkdir } from "node:fs/promises";

let hotline;
let browser;
let pictures;

/** The languages the hotline offers, read from its own switcher: `[{ code, dir, name }]`. */
async function offeredLanguages() {
  const page = await (await fetch(`${hotline.url}/en/`)).text();
  const links = [...page.matchAll(/<a href="\/([^/"]+)\/" hreflang="[^"]+" lang="[^"]+" dir="(ltr|rtl)"[^>]*>([^<]+)<\/a>/g)];
  return links.map(([, code, dir, name]) => ({ code, dir, name }));
}

before(async () => {
  hotline = await startHotline();
  browser = await launchBrowser();
  pictures = await generatePictures(browser, path.join(tmpdir(), `takeback-pictures-lang-${process.pid}`));
});

after(async () => {
  await browser?.close();
  await hotline?.stop();
});

/** Checks what every page must be at 320 pixels: no sideways scroll, the quick exit first by Tab and in view. */
async function checkPhonePage(page, dir, where) {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), `${where}: sideways scroll`);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "quick-exit", where);
  const box = await page.locator("#quick-exit").boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 320 && box.y >= 0, `${where}: quick exit out of view`);
  // Mirrored: at the line's end, which is the left in a right-to-left page.
  const centre = box.x + box.width / 2;
  assert.ok(dir === "rtl" ? centre < 160 : centre > 160, `${where}: quick exit on the wrong side (${centre})`);
}

describe("every language", async () => {
  test("the hotline offers the twelve", async () => {
    const codes = (await offeredLanguages()).map((l) => l.code);
    assert.deepEqual(codes.sort(), ["ar", "de", "en", "es", "fa", "fil", "fr", "hi", "it", "pl", "pt-BR", "uk"]);
  });

  test("each: the whole report flow on a phone, with axe, mirrored where right to left", async () => {
    await mkdir(screenshotDir, { recursive: true });
    for (const { code, dir } of await offeredLanguages()) {
      const { context, requests } = await openContext(browser, { viewport: { width: 320, height: 640 } });
      const { page, errors } = await newPage(context);
      await page.goto(`${hotline.url}/${code}/`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), code);
      assert.equal(await page.evaluate(() => document.documentElement.dir), dir);
      assert.deepEqual(await seriousViolations(page), [], `${code} /`);
      await checkPhonePage(page, dir, `${code} /`);
      await page.screenshot({ path: path.join(screenshotDir, `lang-${code}-index.png`) });

      await page.goto(`${hotline.url}/${code}/report`);
      assert.deepEqual(await seriousViolations(page), [], `${code} /report`);
      await checkPhonePage(page, dir, `${code} /report`);
      await page.screenshot({ path: path.join(screenshotDir, `lang-${code}-report.png`) });
      await page.locator("#under-18").check();
      await page.locator("#consent").check();
      await page.locator("#confirm-form button[type=submit]").click();
      await page.locator("#step-pictures").waitFor();
      await page.locator("#pictures").setInputFiles([pictures["sunset-shapes.png"]]);
      await page.locator('#picture-list .file[data-state="ready"]').waitFor();
      // The script's words are this language's, not English.
      const state = await page.locator("#picture-list .file-state").innerText();
      if (code !== "en") assert.notEqual(state.trim(), "Fingerprint ready", code);
      await page.locator("#pictures-continue").click();
      await page.locator("#urls").fill(`https://example.com/${code}/where-i-saw-it`);
      await page.locator("#urls-continue").click();
      await page.locator("#step-check").waitFor();
      assert.deepEqual(await seriousViolations(page), [], `${code} check step`);
      await page.locator("#send").click();
      await page.locator("#step-done").waitFor();
      const caseId = (await page.locator("#case-id").innerText()).trim();
      const secret = (await page.locator("#case-secret").innerText()).trim();
      // The hotline has it: the picture's three fingerprints and the address.
      const response = await fetch(`${hotline.url}/api/v1/reports/${caseId}`, {
        headers: { Authorization: `Bearer ${secret}` },
      });
      assert.equal(response.status, 200, code);
      const status = await response.json();
      assert.equal(status.hashes.length, 3, code);
      assert.equal(status.urls.length, 1, code);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), `${code} done`);
      // Nothing but the report left the page: no picture bytes.
      for (const request of requests.filter((r) => r.method !== "GET")) {
        assert.ok((request.body?.length ?? 0) < 8192, `${code}: a large ${request.method} to ${request.url}`);
        assert.ok(request.url.startsWith(hotline.url), `${code}: a request elsewhere: ${request.url}`);
      }
      assert.deepEqual(errors, [], code);
      await context.close();
    }
  });

  test("the switcher keeps the page the reader was on, and the country they chose", async () => {
    const { context } = await openContext(browser, { viewport: { width: 320, height: 640 } });
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/es/status`);
    await page.locator("details.languages summary").click();
    await page.locator('details.languages a[hreflang="uk"]').click();
    await page.waitForURL(`${hotline.url}/uk/status`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "uk");
    await page.locator("details.languages summary").click();
    await page.locator('details.languages a[hreflang="ar"]').click();
    await page.waitForURL(`${hotline.url}/ar/status`);
    assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
    // Opened, the list is inside the phone's width too, and the page passes axe.
    await page.locator("details.languages summary").click();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320));
    assert.deepEqual(await seriousViolations(page), []);
    // A plain address follows the browser's language.
    const german = await browser.newContext({ locale: "de-DE" });
    const plain = await german.newPage();
    await plain.goto(`${hotline.url}/report`);
    assert.equal(await plain.evaluate(() => document.documentElement.lang), "de");
    await german.close();
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("the pseudo-locale", () => {
  test("every page fits a 320-pixel phone with every word accented and 40% longer", async () => {
    const pseudo = await startHotline({ configToml: `languages = ["en", "en-XA"]\n` });
    try {
      const { context } = await openContext(browser, { viewport: { width: 320, height: 640 } });
      const { page, errors } = await newPage(context);
      for (const route of ["/", "/report", "/status", "/adult", "/nowhere"]) {
        await page.goto(`${pseudo.url}/en-XA${route}`);
        assert.equal(await page.evaluate(() => document.documentElement.lang), "en-XA");
        await checkPhonePage(page, "ltr", route);
        // No element sticks out of the page either.
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > 320.5 && getComputedStyle(e).position !== "absolute")
            .filter((e) => !e.closest(".visually-hidden, .skip-link, [hidden], details:not([open]) > ul"))
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
        );
        assert.deepEqual(wide, [], route);
      }
      await page.goto(`${pseudo.url}/en-XA/report`);
      await page.locator("#under-18").check();
      await page.locator("#consent").check();
      await page.locator("#confirm-form button[type=submit]").click();
      await page.locator("#pictures").setInputFiles([pictures["flat.png"]]);
      await page.locator('#picture-list .file[data-state="exact_only"]').waitFor();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "a script's message");
      await page.screenshot({ path: path.join(screenshotDir, "lang-en-XA-report.png"), fullPage: true });
      assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
      await context.close();
    } finally {
      await pseudo.stop();
    }
  });
});
