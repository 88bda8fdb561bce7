/* Draw every chart of the page with the Vega-Embed bundled with the book (no network). */
(function () {
  "use strict";
  function draw(el) {
    if (el.dataset.drawn) return;
    el.dataset.drawn = "pending";
    var specEl = document.getElementById(el.dataset.spec);
    if (!specEl || typeof window.vegaEmbed !== "function") {
      el.textContent = "This chart could not be drawn (its data or the chart library is missing).";
      el.dataset.drawn = "error";
      return;
    }
    var spec = JSON.parse(specEl.textContent);
    window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
      .then(function () { el.dataset.drawn = "yes"; })
      .catch(function (err) {
        el.dataset.drawn = "error";
        el.textContent = "This chart could not be drawn: " + err.message;
      });
  }
  function drawAll() {
    document.querySelectorAll("div.report-chart[data-spec]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
