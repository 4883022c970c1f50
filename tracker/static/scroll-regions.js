// A table or chart wider than a phone scrolls inside its own box (.table-wrap, a chart's figure); a keyboard
// user must be able to reach such a box to scroll it (WCAG 2.1.1), so a box that overflows joins the tab order.
(function () {
  function mark() {
    var used = {};
    document.querySelectorAll(".table-wrap, figure.chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        // A chart's figure is named by its caption already; a table's wrapper becomes a named region.
        if (box.tagName === "FIGURE") return;
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          // A region is a landmark: its name says what scrolls and is unique on the page.
          var named = box.querySelector("caption, th");
          var name = named ? named.textContent.trim().slice(0, 60) : document.title;
          used[name] = (used[name] || 0) + 1;
          box.setAttribute("aria-label", used[name] > 1 ? name + " (" + used[name] + ")" : name);
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
