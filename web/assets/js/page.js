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
  event.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    // A jump within the page (the skip link): no new entry either, and focus moves there.
    history.replaceState(history.state, "", url.hash);
    const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
    target?.focus();
    target?.scrollIntoView({ block: "start" });
    return;
  }
  location.replace(url.href);
});
