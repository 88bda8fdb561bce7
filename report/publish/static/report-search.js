/* Search loads when the reader opens it: Sphinx's search tools and the book's search index
   (about 110 KB) are listed in window.REPORT_SEARCH by the page layout and loaded, in order,
   the first time the search dialog opens or its field gets focus. And a link into a folded
   list (a chapter's sources) opens the fold. */
(function () {
  "use strict";
  var started = false;
  function loadSearch() {
    if (started || !Array.isArray(window.REPORT_SEARCH)) return;
    started = true;
    window.REPORT_SEARCH.reduce(function (previous, src) {
      return previous.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = src;
          script.onload = script.onerror = function () { resolve(); };
          document.head.appendChild(script);
        });
      });
    }, Promise.resolve());
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".search-button__button, .search-button-field")) loadSearch();
  }, true);
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) loadSearch();
  }, true);
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[name='q']")) loadSearch();
  });
  /* Open the <details> that holds the target of the address's #fragment. */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var changed = false;
    // A chart in a tab that is not shown: show its tab.
    var tab = target.closest(".sd-tab-content");
    if (tab && tab.previousElementSibling && tab.previousElementSibling.previousElementSibling) {
      var input = tab.previousElementSibling.previousElementSibling;
      if (input.type === "radio" && !input.checked) { input.checked = true; changed = true; }
    }
    var fold = target.closest("details");
    while (fold) {
      if (!fold.open) { fold.open = true; changed = true; }
      fold = fold.parentElement && fold.parentElement.closest("details");
    }
    if (changed) target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openTarget);
  else openTarget();
})();
