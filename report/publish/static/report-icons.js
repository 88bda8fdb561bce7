  /* Body of report-icons.js: ICONS (name -> [width, height, path]) is defined above. */
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function draw(el) {
    if (el.dataset.iconDrawn) return;
    var name = null;
    el.classList.forEach(function (c) {
      if (c.indexOf("fa-") === 0 && ICONS[c.slice(3)]) name = c.slice(3);
    });
    if (!name) return;
    var icon = ICONS[name];
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + icon[0] + " " + icon[1]);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    for (var i = 0; i < el.attributes.length; i++) {  // keep data-mode, title, ... for the theme
      var a = el.attributes[i];
      if (a.name !== "class") svg.setAttribute(a.name, a.value);
    }
    var keep = [];  // drop the font classes, or the browser fetches Font Awesome's web font
    el.classList.forEach(function (c) {
      if (["fa", "fas", "far", "fab", "fa-solid", "fa-regular", "fa-brands"].indexOf(c) < 0) keep.push(c);
    });
    svg.setAttribute("class", "svg-inline--fa " + keep.join(" "));
    var path = document.createElementNS(NS, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", icon[2]);
    svg.appendChild(path);
    el.dataset.iconDrawn = "1";
    el.replaceWith(svg);
  }
  function drawAll(root) {
    (root || document).querySelectorAll("i[class*='fa-'], span[class*='fa-']").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      r.addedNodes.forEach(function (n) { if (n.querySelectorAll) drawAll(n.parentNode || n); });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
