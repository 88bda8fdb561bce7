/* Tabs and links: a link to a tab's label (a sub-section shown as a tab), or to anything inside
   a tab that is not shown, opens that tab (and any tab around it) before the page scrolls to it.
   sphinx-design's tabs are radio buttons; this only checks the right ones. */
(function () {
  "use strict";
  function open(target) {
    if (!target) return false;
    var opened = false;
    if (target.matches && target.matches("label.sd-tab-label")) {
      var own = document.getElementById(target.getAttribute("for"));
      if (own && !own.checked) { own.checked = true; opened = true; }
    }
    for (var n = target; n; n = n.parentElement) {
      if (n.classList && n.classList.contains("sd-tab-content")) {
        var label = n.previousElementSibling;
        var input = label && document.getElementById(label.getAttribute("for"));
        if (input && !input.checked) { input.checked = true; opened = true; }
      }
    }
    return opened;
  }
  function follow() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (open(target)) target.scrollIntoView();
  }
  window.addEventListener("hashchange", follow);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", follow);
  else follow();
})();
