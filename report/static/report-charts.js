/* Draw every chart of the page with the Vega-Embed bundled with the book (no network). */
(function () {
  "use strict";
  // Average glyph width as a share of the font size (sans-serif; a little generous).
  var GLYPH = 0.56;
  function wrapLine(text, maxChars) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > maxChars) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    return lines;
  }
  function wrap(text, width, fontSize) {
    var maxChars = Math.max(16, Math.floor(width / (fontSize * GLYPH)));
    var lines = [];
    (Array.isArray(text) ? text : [text]).forEach(function (t) {
      lines = lines.concat(wrapLine(t, maxChars));
    });
    return lines.length === 1 ? lines[0] : lines;
  }
  function capLabels(node, limit) {
    if (Array.isArray(node)) { node.forEach(function (n) { capLabels(n, limit); }); return; }
    if (!node || typeof node !== "object") return;
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "axis" && value && typeof value === "object" && value.labelLimit > limit) {
        value.labelLimit = limit;
      }
      capLabels(value, limit);
    });
  }
  /* Fit a spec to the width it is drawn at: titles and subtitles wrap instead of
     running off the chart, and on a narrow screen legends stack their entries. */
  function fit(spec, width) {
    var cfg = spec.config || (spec.config = {});
    var titleCfg = cfg.title || {};
    var title = spec.title;
    if (title && width > 0) {
      if (typeof title === "string" || Array.isArray(title)) title = spec.title = { text: title };
      if (title.text) title.text = wrap(title.text, width, titleCfg.fontSize || 15);
      if (title.subtitle) title.subtitle = wrap(title.subtitle, width, titleCfg.subtitleFontSize || 12);
    }
    if (width > 0 && width < 640) {
      // On a narrow screen long category labels give up space to the plot.
      capLabels(spec, Math.max(90, Math.floor(width * 0.38)));
      var axisY = cfg.axisY || (cfg.axisY = {});
      axisY.labelLimit = Math.min(axisY.labelLimit || 180, Math.floor(width * 0.38));
    }
    if (width > 0) {
      // Legends at the bottom stack one above the other and wrap their entries
      // into as many columns as the width allows, so none runs off the chart.
      var legend = cfg.legend || (cfg.legend = {});
      var columns = Math.max(1, Math.min(4, Math.floor(width / 230)));
      legend.layout = { bottom: { direction: "vertical", anchor: "start", margin: 8, bounds: "full" } };
      if (legend.columns === undefined) legend.columns = columns;
      legend.labelLimit = Math.min(legend.labelLimit || 260, Math.floor(width / columns) - 40);
    }
    return spec;
  }
  /* How far (px) any legend text of the drawn chart runs past the right edge of its box. */
  function overflow(el) {
    var right = el.getBoundingClientRect().right, worst = 0;
    el.querySelectorAll("svg .role-legend text").forEach(function (t) {
      var r = t.getBoundingClientRect();
      if (r.width) worst = Math.max(worst, r.right - right);
    });
    return worst;
  }
  /* One step narrower: legends lose a column, or (with one column left) shorter labels. */
  function narrower(node) {
    var changed = false;
    (function walk(n, key) {
      if (Array.isArray(n)) { n.forEach(function (m) { walk(m); }); return; }
      if (!n || typeof n !== "object") return;
      if (key === "legend") {
        if (n.columns > 1) { n.columns -= 1; changed = true; }
        else { n.labelLimit = Math.max(80, Math.floor((n.labelLimit || 260) * 0.75)); n.columns = 1; changed = true; }
      }
      Object.keys(n).forEach(function (k) { walk(n[k], k); });
    })(node.config, "config");
    (function walk(n) {
      if (Array.isArray(n)) { n.forEach(walk); return; }
      if (!n || typeof n !== "object") return;
      Object.keys(n).forEach(function (k) {
        var v = n[k];
        if (k === "legend" && v && typeof v === "object" && v.columns > 1) { v.columns -= 1; changed = true; }
        walk(v);
      });
    })(node);
    return changed;
  }
  function render(el, spec, attempts) {
    return window.vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function (result) {
      if (attempts > 0 && overflow(el) > 2 && narrower(spec)) {
        result.finalize();
        return render(el, spec, attempts - 1);
      }
      return result;
    });
  }
  function draw(el) {
    if (el.dataset.drawn) return;
    el.dataset.drawn = "pending";
    var specEl = document.getElementById(el.dataset.spec);
    if (!specEl || typeof window.vegaEmbed !== "function") {
      el.textContent = "This chart could not be drawn (its data or the chart library is missing).";
      el.dataset.drawn = "error";
      return;
    }
    var spec = fit(JSON.parse(specEl.textContent), el.clientWidth);
    render(el, spec, 4)
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
