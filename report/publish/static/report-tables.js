/* Tables that do not fit their column scroll inside their box; this script gives each such
   box a visible cue (a line above it and shadows at the edge that has more) and keeps the
   cue true as the window is resized or the box scrolled. */
(function () {
  "use strict";
  var HINT = "Wide table: scroll it sideways to see every column.";
  function scroller(table) {
    for (var n = table.parentElement; n && n !== document.body; n = n.parentElement) {
      var o = getComputedStyle(n).overflowX;
      if (o === "auto" || o === "scroll") return n;
    }
    return null;
  }
  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth;
    box.classList.toggle("report-scrolls", scrolls);
    box.classList.toggle("report-scrolled-end", scrolls && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");  // keyboard users can scroll it too
      box.dataset.reportTabindex = "yes";
    }
    var hint = box.previousElementSibling;
    var has = hint && hint.classList.contains("report-scroll-hint");
    if (scrolls && !has) {
      hint = document.createElement("p");
      hint.className = "report-scroll-hint";
      hint.textContent = HINT;
      box.parentNode.insertBefore(hint, box);
    } else if (!scrolls && has) {
      hint.remove();
    }
  }
  var boxes = [];
  // The page width the cues were last set for (a state a test, or any script, can wait on).
  function update() {
    boxes.forEach(mark);
    document.documentElement.dataset.tablesWidth = String(document.documentElement.clientWidth);
  }
  function init() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var box = scroller(table);
      if (box && boxes.indexOf(box) < 0) {
        boxes.push(box);
        box.addEventListener("scroll", function () { mark(box); }, { passive: true });
      }
    });
    update();
    var timer;
    window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(update, 100); });
    if (typeof ResizeObserver === "function") {
      var observer = new ResizeObserver(function () { clearTimeout(timer); timer = setTimeout(update, 100); });
      boxes.forEach(function (b) { observer.observe(b); });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
