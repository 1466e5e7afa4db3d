// Screenshots of the start and report pages in every language the hotline offers, at a
// phone's size (375 x 812), into bench/pages/screenshots/: for translators and reviewers
// to see each language in place, right-to-left ones included.
//
//   cargo build -p takeback && node bench/pages/screenshots.mjs
//
// (`TAKEBACK_BIN` names another build.) Hindi needs a Devanagari font, which Debian's
// Chromium does not bring: `apt-get install fonts-lohit-deva`. The files and the table in
// bench/pages/screenshots.md are committed; run it again after changing the pages' words
// or layout.

import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { launchBrowser, root, startHotline } from "../../web/test/e2e/support.mjs";

const out = path.join(root, "bench/pages/screenshots");
const hotline = await startHotline();
const browser = await launchBrowser();
try {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const start = await (await fetch(`${hotline.url}/en/`)).text();
  const codes = [...start.matchAll(/<a href="\/([^/"]+)\/" hreflang=/g)].map((m) => m[1]);
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const lines = ["| language | start page | report page |", "|---|---|---|"];
  for (const code of codes) {
    for (const [name, route] of [["index", ""], ["report", "report"]]) {
      await page.goto(`${hotline.url}/${code}/${route}`);
      await page.screenshot({ path: path.join(out, `${code}-${name}.png`) });
    }
    const language = await page.locator(`details.languages a[hreflang="${code}"]`).textContent();
    lines.push(`| ${language.trim()} (\`${code}\`) | ![](screenshots/${code}-index.png) | ![](screenshots/${code}-report.png) |`);
  }
  const table = lines.join("\n");
  await writeFile(
    path.join(root, "bench/pages/screenshots.md"),
    `# The reporter pages in every language\n\nThe start page and the first step of the report, on a phone (375 x 812), as\n\`node bench/pages/screenshots.mjs\` took them. None of the translations has yet been\nreviewed by a native speaker with safeguarding experience (each catalogue's header in\n\`web/messages/\` says so).\n\n${table}\n`,
  );
  await context.close();
} finally {
  await browser.close();
  await hotline.stop();
}
