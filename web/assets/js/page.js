// What every page does: the quick exit, and links that keep the visit to one history
// entry.
//
// The quick exit (the button, or Escape anywhere) hides the page at once and replaces it
// with an ordinary site. `location.replace` leaves no history entry behind, and because
// every link within the site also replaces the current entry (below), the whole visit is a
// single entry, which the exit then overwrites: Back does not lead here.

import { pageSettings } from "./messages.js";

/** Leaves for the neutral site, at once. */
export function quickExit() {
  document.documentElement.classList.add("leaving");
  document.title = "";
  location.replace(pageSettings().quickExitUrl ?? "https://www.google.com/");
}

document.getElementById("quick-exit")?.addEventListener("click", (event) => {
  event.preventDefault();
  quickExit();
});

// Capture, so that nothing on the page (a dialog, a field) can keep Escape from leaving.
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      quickExit();
    }
  },
  { capture: true },
);

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.target && link.target !== "_self") return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  // A jump within the page (the skip link) is not a visit.
  if (url.pathname === location.pathname && url.hash) return;
  event.preventDefault();
  location.replace(url.href);
});
