/* Draw every chart of the page with the Vega-Embed bundled with the book (no network).
   The page paints first: this script is deferred, and the Vega bundle (_static/vega-bundle.js,
   about 300 KB compressed) is loaded only on a page with charts, only when the first chart
   comes near the screen. Each chart draws when it comes near the screen; its height is
   reserved at build time, so nothing below it moves. Charts fit the width they are drawn at,
   redraw when their column changes width (a window resize, a sidebar opened or closed, a tab
   shown) and when the reader switches light or dark mode.
   window.reportCharts.drawAll() draws every chart at once (tests, printing). */
(function () {
  "use strict";
  // The bundle sits beside this script in _static/.
  var SCRIPT = document.currentScript && document.currentScript.src;
  var BUNDLE = SCRIPT ? SCRIPT.replace(/report-charts\.js(\?.*)?$/, "vega-bundle.js") : null;
  // Start drawing a chart when it is this close to the screen.
  var MARGIN = "250px 0px";
  // Average glyph width as a share of the font size (sans-serif; a little generous).
  var GLYPH = 0.56;
  // Width changes smaller than this (px) do not redraw a chart.
  var SLACK = 2;
  // Dark mode: the theme's greys and black, lightened; the palette's hues stay as they are,
  // so wording that names a colour ("blue: actual") stays true in both modes.
  var DARK = {
    "#000000": "#f2f2f2",
    "black": "#f2f2f2",
    "#222222": "#ececec",
    "#333333": "#dcdcdc",
    "#5f6368": "#b8bcc0",
    "#666666": "#c4c4c4",
    "#777777": "#a6a6a6",
    "#888888": "#a6a6a6",
    "#999999": "#b0b0b0",
    "#d9d9d9": "#3d3d3d"
  };

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }
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
  /* Cap long axis labels to `limit` px. In a chart that sets a height per band (`wrap`: its
     bands can grow), a y axis's long category labels wrap instead, on up to WRAP_LINES lines
     (reportWrap, below); returns the most lines a label may take. */
  var WRAP_LINES = 3;
  var LINE = 12;  // px per wrapped line (11 px labels)
  function capLabels(node, limit, wrap, channel) {
    var lines = 1;
    if (Array.isArray(node)) {
      node.forEach(function (n) { lines = Math.max(lines, capLabels(n, limit, wrap)); });
      return lines;
    }
    if (!node || typeof node !== "object") return lines;
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "axis" && value && typeof value === "object" && value.labelLimit > limit) {
        if (wrap && channel === "y" && !value.labelExpr && !value.labelAngle) {
          var size = Math.min(value.labelFontSize || 11, 11);
          var chars = Math.max(12, Math.floor(limit / (size * GLYPH)));
          value.labelExpr = "reportWrap(datum.label, " + chars + ", " + WRAP_LINES + ")";
          value.labelFontSize = size;
          value.labelLineHeight = LINE;
          value.labelOverlap = false;  // each band is tall enough for its label (below)
          lines = WRAP_LINES;
        }
        value.labelLimit = limit;
      }
      lines = Math.max(lines, capLabels(value, limit, wrap, key));
    });
    return lines;
  }
  /* Vega expression function: a label's words on at most `most` lines of `chars` characters
     (the last line keeps the rest and is cut by the axis's labelLimit). */
  function reportWrap(text, chars, most) {
    var lines = wrapLine(text, chars);
    if (lines.length <= most) return lines.length === 1 ? lines[0] : lines;
    return lines.slice(0, most - 1).concat([lines.slice(most - 1).join(" ")]);
  }
  /* Dark mode: every colour literal of the spec (config, marks, scale ranges; not the data)
     that is one of the theme's greys or black becomes its light counterpart. */
  function darken(node) {
    if (Array.isArray(node)) {
      node.forEach(function (v, i) {
        if (typeof v === "string" && DARK[v.toLowerCase()]) node[i] = DARK[v.toLowerCase()];
        else darken(v);
      });
      return node;
    }
    if (!node || typeof node !== "object") return node;
    Object.keys(node).forEach(function (key) {
      if (key === "datasets" || key === "usermeta" || key === "data") return;
      var v = node[key];
      if (typeof v === "string" && DARK[v.toLowerCase()]) node[key] = DARK[v.toLowerCase()];
      else darken(v);
    });
    return node;
  }
  function darkConfig(cfg) {
    // Vega's own defaults are black: titles, text marks, legend symbols of shape legends.
    cfg.title = Object.assign({ color: "#ececec", subtitleColor: "#b8bcc0" }, cfg.title || {});
    cfg.text = Object.assign({ color: "#ececec" }, cfg.text || {});
    cfg.legend = Object.assign({ symbolBaseFillColor: "#c4c4c4", symbolBaseStrokeColor: "#c4c4c4" }, cfg.legend || {});
    cfg.axis = Object.assign({ labelColor: "#dcdcdc", titleColor: "#dcdcdc" }, cfg.axis || {});
  }
  /* Fit a spec to the width it is drawn at: titles and subtitles wrap instead of running
     off the chart, axis labels thin out instead of colliding, and on a narrow screen
     legends stack their entries. */
  function fit(spec, width, dark) {
    var cfg = spec.config || (spec.config = {});
    var titleCfg = cfg.title || {};
    var title = spec.title;
    if (title && width > 0) {
      if (typeof title === "string" || Array.isArray(title)) title = spec.title = { text: title };
      if (title.text) title.text = wrap(title.text, width, titleCfg.fontSize || 15);
      if (title.subtitle) title.subtitle = wrap(title.subtitle, width, titleCfg.subtitleFontSize || 12);
    }
    var axis = cfg.axis || (cfg.axis = {});
    if (axis.labelOverlap === undefined) axis.labelOverlap = "greedy";
    if (axis.labelSeparation === undefined) axis.labelSeparation = 6;
    if (width > 0 && width < 640) {
      // On a narrow screen long category labels give up space to the plot, and
      // quantitative axes get fewer ticks.
      var bands = !!(spec.height && spec.height.step);
      var lines = capLabels(spec, Math.max(90, Math.floor(width * 0.38)), bands);
      // Wrapped labels need taller bands where the chart sets a height per band.
      if (lines > 1 && bands) {
        spec.height = { step: Math.max(spec.height.step, lines * LINE + 4) };
      }
      var axisY = cfg.axisY || (cfg.axisY = {});
      axisY.labelLimit = Math.min(axisY.labelLimit || 180, Math.floor(width * 0.38));
      var axisQ = cfg.axisQuantitative || (cfg.axisQuantitative = {});
      if (axisQ.tickCount === undefined) axisQ.tickCount = Math.max(3, Math.floor(width / 90));
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
    if (dark) {
      darken(spec);
      darkConfig(cfg);
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
  function render(el, spec, attempts, dark) {
    var options = {
      actions: false, renderer: "svg", tooltip: { theme: dark ? "dark" : "light" },
      expressionFunctions: { reportWrap: reportWrap }
    };
    return window.vegaEmbed(el, spec, options).then(function (result) {
      if (attempts > 0 && overflow(el) > 2 && narrower(spec)) {
        result.finalize();
        return render(el, spec, attempts - 1, dark);
      }
      return result;
    });
  }
  var views = new WeakMap();
  var bundle = null;
  /* Load the Vega bundle once; resolves when window.vegaEmbed is there. */
  function loadBundle() {
    if (typeof window.vegaEmbed === "function") return Promise.resolve();
    if (bundle) return bundle;
    bundle = new Promise(function (resolve, reject) {
      if (!BUNDLE) { reject(new Error("the chart library's address is unknown")); return; }
      var script = document.createElement("script");
      script.src = BUNDLE;
      script.async = true;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("the chart library could not be loaded")); };
      document.head.appendChild(script);
    });
    return bundle;
  }
  function failed(el, message) {
    el.textContent = message;
    el.dataset.drawn = "error";
    el.style.minHeight = "";
  }
  function draw(el, force) {
    if ((el.dataset.drawn === "yes" || el.dataset.drawn === "pending") && !force) return Promise.resolve();
    var specEl = document.getElementById(el.dataset.spec);
    if (!specEl) {
      failed(el, "This chart could not be drawn (its data is missing).");
      return Promise.resolve();
    }
    el.dataset.drawn = "pending";
    return loadBundle().then(function () { return drawNow(el, specEl); }, function (err) {
      failed(el, "This chart could not be drawn: " + err.message + ".");
    });
  }
  function drawNow(el, specEl) {
    // A chart in a hidden tab has no width yet: draw it at its column's width; it is redrawn
    // at its own width when shown (the resize observer sees the change).
    var width = el.clientWidth || (el.closest("article") || document.body).clientWidth;
    var dark = isDark();
    var token = (Number(el.dataset.generation) || 0) + 1;
    el.dataset.generation = String(token);
    el.dataset.drawn = "pending";
    el.dataset.width = String(el.clientWidth);
    el.dataset.mode = dark ? "dark" : "light";
    var previous = views.get(el);
    // Keep the height while redrawing, so the page does not jump.
    if (previous && el.offsetHeight) el.style.minHeight = el.offsetHeight + "px";
    if (previous) { previous.finalize(); views.delete(el); }
    var spec = fit(JSON.parse(specEl.textContent), width, dark);
    return render(el, spec, 4, dark)
      .then(function (result) {
        if (el.dataset.generation !== String(token)) { result.finalize(); return; }
        views.set(el, result);
        el.style.minHeight = "";
        el.dataset.drawn = "yes";
        // The column may have changed while this chart was drawing.
        if ((el.clientWidth && Math.abs(el.clientWidth - width) > SLACK) || isDark() !== dark) schedule(el);
      })
      .catch(function (err) {
        if (el.dataset.generation !== String(token)) return;
        failed(el, "This chart could not be drawn: " + err.message);
      });
  }
  var timers = new WeakMap();
  function schedule(el) {
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { draw(el, true); }, 120));
  }
  function charts() {
    return document.querySelectorAll("div.report-chart[data-spec]");
  }
  var nearby = null;
  function watch() {
    var all = charts();
    if (!all.length) return;  // a page without charts never loads the bundle
    if (typeof IntersectionObserver === "function") {
      nearby = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) { nearby.unobserve(entry.target); draw(entry.target); }
        });
      }, { rootMargin: MARGIN });
      all.forEach(function (el) { nearby.observe(el); });
    } else {
      drawAll();
    }
    if (typeof ResizeObserver === "function") {
      var resized = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var el = entry.target;
          if (el.dataset.drawn !== "yes" || !el.clientWidth) return;
          if (Math.abs(el.clientWidth - Number(el.dataset.width)) > SLACK) schedule(el);
        });
      });
      all.forEach(function (el) { resized.observe(el); });
    }
    // The theme's light/dark switch sets data-theme on <html>: redraw in the new colours.
    new MutationObserver(function () {
      var mode = isDark() ? "dark" : "light";
      charts().forEach(function (el) {
        if (el.dataset.drawn === "yes" && el.dataset.mode !== mode) schedule(el);
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    // Printing from the browser: draw what is not drawn yet.
    window.addEventListener("beforeprint", drawAll);
  }
  /* Draw every chart now, near the screen or not; resolves when all are drawn (or failed). */
  function drawAll() {
    var all = Array.prototype.slice.call(charts());
    all.forEach(function (el) { if (nearby) nearby.unobserve(el); });
    return Promise.all(all.map(function (el) { return draw(el); })).then(function () {
      return new Promise(function (resolve) {
        (function wait() {
          var busy = all.some(function (el) { return el.dataset.drawn === "pending"; });
          if (busy) setTimeout(wait, 50); else resolve(all.length);
        })();
      });
    });
  }
  window.reportCharts = { drawAll: drawAll, draw: draw, loadBundle: loadBundle };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
