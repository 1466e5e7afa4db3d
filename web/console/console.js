// The analyst console's one script. Every page works without it; it adds:
// - keyboard shortcuts: a button with data-key="x" is pressed by the key x, except while
//   typing in a field;
// - a warning before a reported address is opened (links with data-warn), which then
//   opens in a new tab with no referrer (data-address: the address itself, opened
//   instead of the link's warning page).
// - a question before a form with data-confirm is sent.
"use strict";

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const target = event.target;
  if (target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
    return;
  }
  const key = event.key.toLowerCase();
  const button = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (button instanceof HTMLElement) {
    event.preventDefault();
    button.click();
  }
});

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-warn]") : null;
  if (!link) {
    return;
  }
  if (!window.confirm(link.getAttribute("data-warn"))) {
    event.preventDefault();
    return;
  }
  // A reported address's own link goes to a warning page for browsers without this
  // script; having warned, open the address itself (new tab, no referrer, no opener).
  const address = link.getAttribute("data-address");
  if (address && /^https?:\/\//i.test(address)) {
    event.preventDefault();
    window.open(address, "_blank", "noopener,noreferrer");
  }
});

// A form with data-confirm (revoking a key, say) asks first; without this script it is sent
// as it is.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
      !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
