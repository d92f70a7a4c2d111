// Typesets every formula of the page with the vendored KaTeX. The renderer leaves $…$ as <span class="math">\(…\)</span>,
// and $$…$$ as <span class="math display">\[…\]</span> (or <div class="math"> when its $$ stand on lines of their own).
// A formula KaTeX cannot read is reported on the console (the book's browser test fails on it) and left as its source.
(function () {
  document.querySelectorAll(".math").forEach(function (element) {
    var display = element.tagName === "DIV" || element.classList.contains("display");
    var tex = element.textContent.trim().replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
    try {
      katex.render(tex, element, { displayMode: display, throwOnError: true });
    } catch (error) {
      element.classList.add("math-error");
      console.error("KaTeX could not typeset " + JSON.stringify(tex) + ": " + error.message);
    }
  });
})();
