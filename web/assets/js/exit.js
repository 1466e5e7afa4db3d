// The quick exit: the button, or Escape anywhere, blanks the page at once and replaces it
// with an ordinary site.
//
// A classic script, loaded synchronously in <head>, so that it works from the first moment
// a page starts to show, before any module has loaded. `location.replace` puts the neutral
// site in this page's place in the tab's history, so Back does not lead here (page.js
// makes every link within the site do the same, so a whole visit is one entry). It cannot
// clear the browser's own history list; the pages say so, and suggest a private window.
(function () {
  "use strict";

  function neutralUrl() {
    var link = document.getElementById("quick-exit");
    if (link) return link.href;
    try {
      return JSON.parse(document.getElementById("page-settings").textContent).quickExitUrl;
    } catch (error) {
      return "https://www.google.com/";
    }
  }

  function leave(event) {
    if (event) {
      event.preventDefault();
      event.stopPropagation();
    }
    document.documentElement.className += " leaving";
    document.title = "";
    window.location.replace(neutralUrl());
  }

  // Capture, so that nothing on the page (a dialog, a field) can keep Escape from leaving.
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Escape" || event.key === "Esc") leave(event);
    },
    true,
  );
  // If a page's scripts did not load (a flaky connection, a filter), its buttons stay
  // switched off: say so rather than leave a page that silently does nothing.
  window.addEventListener("load", function () {
    setTimeout(function () {
      var stuck = document.querySelector("[data-needs-script][disabled]");
      var notice = document.getElementById("scripts-failed");
      if (stuck && notice) notice.hidden = false;
    }, 3000);
  });

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      if (target && target.closest && target.closest("#quick-exit")) leave(event);
    },
    true,
  );
})();
