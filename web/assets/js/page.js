// What every page does once its scripts have loaded: links within the site replace the
// current history entry, so that a whole visit is one entry, which the quick exit
// (exit.js) then overwrites; and forms that need these scripts are switched on.

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
