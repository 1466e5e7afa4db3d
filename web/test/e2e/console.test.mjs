// End-to-end tests of the analyst console: the real `takeback serve` (SQLite) with the
// console on and every new report held for an analyst, Debian's Chromium, and what an
// analyst does: sign in with a token, work through the review queue by mouse and by
// keyboard alone, sign out. Also what must be refused (wrong, revoked and expired
// sessions, forged posts, an analyst on admin pages), that nothing leaves the hotline's
// origin, that no picture element is ever on a page, and axe-core's WCAG 2.2 AA checks.
//
//   cargo build -p takeback && node --test web/test/e2e/console.test.mjs

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  analystApi,
  launchBrowser,
  reportAddress,
  newPage,
  openContext,
  revokeAnalyst,
  addAnalyst,
  seedHeldEntries,
  signIn,
  startConsoleHotline,
  wcagViolations,
} from "./support.mjs";

/**
 * Every console page to check for accessibility, sign-out and stray elements. `{entry}`
 * stands for a held entry's id, `{case}` for a case reference and `{address}` for a
 * reported address's item id. The sign-in page is checked signed out, separately.
 */
const CONSOLE_PAGES = [
  "/console/dashboard",
  "/console/queue",
  "/console/entries/{entry}",
  "/console/addresses",
  "/console/addresses/{address}",
  "/console/cases",
  "/console/cases/{case}",
  "/console/audit",
];

/** Pages only an admin may open. */
const ADMIN_PAGES = ["/console/partners", "/console/analysts"];

/** A page's path with its placeholders filled in. */
function fill(pagePath, { entry, caseId, address }) {
  return pagePath
    .replace("{entry}", String(entry))
    .replace("{case}", caseId)
    .replace("{address}", String(address));
}

let hotline;
let browser;

before(async () => {
  hotline = await startConsoleHotline();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await hotline?.stop();
});

/** An entry's state as the analyst API reports it. */
async function entryState(id) {
  return (await analystApi(hotline, hotline.admin, `/api/v1/analyst/entries/${id}`)).state;
}

/** A fresh context and page, with every request recorded. */
async function fresh() {
  const { context, requests } = await openContext(browser);
  const { page, errors } = await newPage(context);
  return { context, requests, page, errors };
}

/** Asserts that every recorded request went to the hotline itself. */
function assertSameOrigin(requests) {
  const elsewhere = requests.filter((r) => new URL(r.url).origin !== hotline.origin);
  assert.deepEqual(elsewhere.map((r) => r.url), []);
}

/** Asserts that the page has no picture, video or frame element. */
async function assertNoPictures(page) {
  assert.equal(await page.locator("img, video, iframe, picture, object, embed").count(), 0, page.url());
}

describe("the analyst console", () => {
  test("an analyst signs in, works through the queue by mouse and keyboard, and signs out", async () => {
    const ids = await seedHeldEntries(hotline, hotline.analyst, 3, 1000);
    assert.equal(ids.length, 3);
    const { context, requests, page, errors } = await fresh();

    await page.goto(`${hotline.url}/console/queue`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Sign in" }).waitFor());
    await signIn(page, hotline, hotline.analyst);
    assert.equal(new URL(page.url()).pathname, "/console/dashboard");
    await page.getByText("e2e-analyst").first().waitFor();

    await page.getByRole("link", { name: "Review queue" }).click();
    await page.getByRole("heading", { name: "Review queue" }).waitFor();
    await page.getByRole("link", { name: `Entry ${ids[0]}`, exact: true }).click();
    await page.getByRole("heading", { name: `Entry ${ids[0]}` }).waitFor();
    await assertNoPictures(page);

    // List, with a reason: the next entry opens and says what happened.
    await page.getByLabel(/Reason/).fill("clear match");
    await page.getByRole("button", { name: "List" }).click();
    await page.getByRole("heading", { name: `Entry ${ids[1]}` }).waitFor();
    assert.match(await page.getByRole("status").innerText(), new RegExp(`Entry ${ids[0]} listed`));
    assert.equal(await entryState(ids[0]), "listed");

    // Keyboard only: Tab to the reason, type it, Tab to "Reject", Enter.
    await page.keyboard.press("Tab");
    for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.id)) !== "reason"; i++) {
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), "reason");
    await page.keyboard.type("not a match");
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== "Reject"; i++) {
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Reject");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: `Entry ${ids[2]}` }).waitFor();
    assert.equal(await entryState(ids[1]), "rejected");

    // The shortcut (data-key="l"), pressed outside the reason field; typing "l" inside it
    // must not list.
    await page.getByLabel(/Reason/).focus();
    await page.keyboard.type("l");
    assert.equal(await entryState(ids[2]), "held");
    await page.keyboard.press("Tab");
    await page.keyboard.press("l");
    await page.getByRole("heading", { name: "Review queue" }).waitFor();
    assert.equal(await entryState(ids[2]), "listed");

    // Sign out; then every page goes back to sign-in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    for (const pagePath of [...CONSOLE_PAGES, ...ADMIN_PAGES]) {
      await page.goto(`${hotline.url}${fill(pagePath, { entry: ids[0], caseId: "ABCD-EFGH-JKLM", address: 1 })}`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/console", pagePath);
    }

    assertSameOrigin(requests);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a wrong token and a revoked analyst's token are refused", async () => {
    const { context, page } = await fresh();
    await signIn(page, hotline, "tba_not-a-real-token");
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").innerText(), /not one this hotline knows/);
    assert.equal((await context.cookies()).filter((c) => c.name === "takeback_console").length, 0);

    // Revoked while signed in: the session ends at once, and the token opens nothing again.
    const token = await addAnalyst(hotline, "e2e-revoked");
    await signIn(page, hotline, token);
    assert.equal(new URL(page.url()).pathname, "/console/dashboard");
    await revokeAnalyst(hotline, "e2e-revoked");
    await page.goto(`${hotline.url}/console/queue`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await signIn(page, hotline, token);
    await page.getByRole("alert").waitFor();
    assert.notEqual(new URL(page.url()).pathname, "/console/dashboard");
    await context.close();
  });

  test("an idle session ends", async () => {
    const idle = await startConsoleHotline({ consoleToml: 'session_idle = "1s"' });
    try {
      const { context, page } = await fresh();
      await signIn(page, idle, idle.analyst);
      assert.equal(new URL(page.url()).pathname, "/console/dashboard");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await page.goto(`${idle.url}/console/queue`);
      await page.getByText("Your session ended").waitFor();
      assert.equal(new URL(page.url()).pathname, "/console");
      await context.close();
    } finally {
      await idle.stop();
    }
  });

  test("a forged form post is refused and changes nothing", async () => {
    const [id] = await seedHeldEntries(hotline, hotline.analyst, 1, 2000);
    const { context, page } = await fresh();
    await signIn(page, hotline, hotline.analyst);
    const decision = `${hotline.url}/console/entries/${id}/decision`;

    // With the session's cookie but without the form's token, or with another token.
    for (const form of [{ decision: "list" }, { decision: "list", form_token: "0".repeat(64) }]) {
      const answer = await page.request.post(decision, { form, maxRedirects: 0 });
      assert.equal(answer.status(), 403, JSON.stringify(form));
      assert.equal(await entryState(id), "held");
    }

    // A form on another site posting to the hotline: the strict cookie stays home, and
    // without a session or a form token nothing happens.
    const elsewhere = "https://elsewhere.example";
    await context.route(`${elsewhere}/**`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>Prize</title><form method="post" action="${decision}">
          <input name="decision" value="list"><button>Claim</button></form>`,
      }),
    );
    await page.goto(`${elsewhere}/prize`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === decision),
      page.getByRole("button", { name: "Claim" }).click(),
    ]);
    assert.ok([401, 403].includes(response.status()), String(response.status()));
    assert.equal(await entryState(id), "held");

    // A sign-in form on another site (to sign this browser in as someone else): refused by
    // its Origin, and the session stays the analyst's own.
    const before = (await context.cookies()).find((c) => c.name === "takeback_console")?.value;
    await context.route(`${elsewhere}/sign-in`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>Sign in</title><form method="post" action="${hotline.url}/console/sign-in">
          <input name="token" value="${hotline.admin}"><button>Go</button></form>`,
      }),
    );
    await page.goto(`${elsewhere}/sign-in`);
    const [signInResponse] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${hotline.url}/console/sign-in`),
      page.getByRole("button", { name: "Go" }).click(),
    ]);
    assert.equal(signInResponse.status(), 403);
    assert.equal((await context.cookies()).find((c) => c.name === "takeback_console")?.value, before);

    // And the page's own form, with its token, still works.
    await page.goto(`${hotline.url}/console/entries/${id}`);
    await page.getByRole("button", { name: "Reject" }).click();
    await page.waitForLoadState("load");
    assert.equal(await entryState(id), "rejected");
    await context.close();
  });

  test("an analyst cannot open the admin pages", async () => {
    const { context, page } = await fresh();
    await signIn(page, hotline, hotline.analyst);
    // The navigation offers them to admins only.
    for (const name of ["Partners", "Analysts"]) {
      assert.equal(await page.getByRole("link", { name, exact: true }).count(), 0, name);
    }
    for (const pagePath of ADMIN_PAGES) {
      const response = await page.goto(`${hotline.url}${pagePath}`);
      assert.equal(response.status(), 403, pagePath);
      await page.getByText("Only an admin can open this page").waitFor();
    }
    // Nor post to them: the form token is the analyst's own, the role is not.
    await page.goto(`${hotline.url}/console/dashboard`);
    const form_token = await page.locator("input[name=form_token]").first().inputValue();
    for (const [action, form] of [
      ["/console/partners", { name: "Sneaky" }],
      ["/console/analysts", { name: "sneaky", role: "admin" }],
      ["/console/analysts/role", { name: "e2e-analyst", role: "admin" }],
    ]) {
      const answer = await page.request.post(`${hotline.url}${action}`, { form: { ...form, form_token }, maxRedirects: 0 });
      assert.equal(answer.status(), 403, action);
    }
    await context.close();
  });

  test("an analyst works through the address queue", async () => {
    const address = "https://videos.example/watch/e2e-queue";
    const { caseId, items } = await reportAddress(hotline, address);
    const { context, requests, page, errors } = await fresh();
    await signIn(page, hotline, hotline.analyst);

    // From the dashboard's figure to the address, as text only.
    await page.getByRole("link", { name: /to assess/ }).click();
    await page.getByRole("heading", { name: "To assess" }).waitFor();
    await page.getByText(address).waitFor();
    await page.getByRole("link", { name: `Address ${items[0]}`, exact: true }).click();
    await page.getByRole("heading", { name: `Address ${items[0]}` }).waitFor();
    assert.equal(await page.locator(`a[href="${address}"]:not([target=_blank])`).count(), 0);

    // Not actionable needs a reason: refused without one, recorded with one.
    await page.getByLabel(/Not actionable/).check();
    await page.getByRole("button", { name: "Record assessment" }).click();
    await page.getByText("needs a reason").waitFor();
    await page.goBack();
    await page.getByLabel(/Not actionable/).check();
    await page.getByLabel(/^Reason/).fill("A search page, not the picture itself.");
    await page.getByRole("button", { name: "Record assessment" }).click();
    assert.match(await page.getByRole("status").innerText(), /Assessment recorded/);
    const item = await analystApi(hotline, hotline.analyst, "/api/v1/analyst/urls");
    assert.equal(item.find((i) => i.id === items[0])?.state, "not_actionable", JSON.stringify(item));

    // The case shows it; the audit log has the step under the analyst's name.
    await page.getByRole("link", { name: "Cases", exact: true }).click();
    await page.getByLabel("Case reference").fill(caseId.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: `Case ${caseId}` }).waitFor();
    await page.getByText("not actionable").first().waitFor();
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByLabel("Action").fill("takedown_assessment");
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByRole("cell", { name: /e2e-analyst/ }).first().waitFor();

    assertSameOrigin(requests);
    assert.deepEqual(errors.filter((e) => !e.includes("status of 400")), []);
    await context.close();
  });

  test("an admin adds a partner, sees its key once, and revokes it", async () => {
    const { context, page } = await fresh();
    await signIn(page, hotline, hotline.admin);
    await page.getByRole("link", { name: "Partners", exact: true }).click();
    await page.getByLabel("Name").fill("E2E Video");
    await page.getByRole("button", { name: "Add partner" }).click();
    await page.getByRole("heading", { name: "Partner added" }).waitFor();
    const key = (await page.locator("#token").innerText()).trim();
    const feed = await fetch(`${hotline.url}/api/v1/hashlist`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(feed.status, 200);

    await page.getByRole("link", { name: "Back to partners" }).click();
    assert.equal(await page.getByText(key).count(), 0);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Revoke key of E2E Video" }).click();
    await page.getByText("it no longer works").waitFor();
    const refused = await fetch(`${hotline.url}/api/v1/hashlist`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(refused.status, 401);
    await context.close();
  });

  test("every page keeps to the hotline's origin, shows no picture, and passes axe-core", async () => {
    const [id] = await seedHeldEntries(hotline, hotline.analyst, 1, 3000);
    const { caseId, items } = await reportAddress(hotline, "https://pictures.example/p/axe");
    const { context, requests, page, errors } = await fresh();

    await page.goto(`${hotline.url}/console`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await assertNoPictures(page);
    assert.deepEqual(await wcagViolations(page), [], "sign-in");
    // The refusal's error message too.
    await signIn(page, hotline, "tba_wrong");
    assert.deepEqual(await wcagViolations(page), [], "sign-in, refused");

    // As an admin, who sees every page.
    await signIn(page, hotline, hotline.admin);
    for (const pagePath of [...CONSOLE_PAGES, ...ADMIN_PAGES]) {
      const response = await page.goto(`${hotline.url}${fill(pagePath, { entry: id, caseId, address: items[0] })}`);
      assert.equal(response.status(), 200, pagePath);
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      await assertNoPictures(page);
      assert.deepEqual(await wcagViolations(page), [], pagePath);
    }
    assertSameOrigin(requests);
    // The refused sign-in's 401 is the one error Chromium reports, and the one expected.
    assert.deepEqual(errors.filter((e) => !e.includes("status of 401")), []);
    await context.close();
  });
});
