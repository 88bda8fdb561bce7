/* Take-away links under each chart: a citation to copy; the print edition, if built. */
(function () {
  "use strict";
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function setupCite(box) {
    var link = box.querySelector("a.report-cite-url");
    if (link) link.textContent = link.href; // the chart's anchor as a full address
    var text = box.querySelector(".report-cite-text");
    var button = box.querySelector("button.report-cite-copy");
    if (!text || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy citation"; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.textContent.trim()).then(done, function () { selectText(text); });
      } else {
        selectText(text);
      }
    });
  }
  /* The theme's ".pdf" entry prints one page; offer the whole book's print edition instead. */
  function offerPdf() {
    if (!window.REPORT_PDF) return;
    var url = (document.documentElement.dataset.content_root || "") + window.REPORT_PDF;
    document.querySelectorAll("button.btn-download-pdf-button").forEach(function (button) {
      var a = document.createElement("a");
      a.href = url;
      a.className = button.className;
      a.title = "Download the print edition of the whole report (PDF)";
      while (button.firstChild) a.appendChild(button.firstChild);
      var label = a.querySelector(".btn__text-container");
      if (label) label.textContent = "Print edition (.pdf)";
      button.replaceWith(a);
    });
    document.querySelectorAll(".report-print-edition").forEach(function (slot) {
      var a = document.createElement("a");
      a.href = url;
      a.textContent = "Print edition (PDF)";
      slot.textContent = "";
      slot.appendChild(a);
    });
  }
  function init() {
    document.querySelectorAll("details.report-cite").forEach(setupCite);
    offerPdf();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
