// Tables and charts wider than the screen scroll sideways inside their box
// (.table-responsive, .scroll-box). A box
// that scrolls must be reachable with the keyboard (WCAG 2.1.1): it joins the tab order,
// as a region named by its table's caption or its chart's title, only while it actually scrolls.
(function () {
  "use strict";

  function update(box) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      const caption = box.querySelector("caption, svg > title");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (caption && caption.textContent.trim()) {
        box.setAttribute("aria-label", caption.textContent.trim());
      }
      box.dataset.scrollBox = "on";
    } else if (!scrolls && box.dataset.scrollBox === "on") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollBox;
    }
  }

  function updateAll() {
    document.querySelectorAll(".table-responsive, .scroll-box").forEach(update);
  }

  updateAll();
  window.addEventListener("resize", updateAll);
  // Tables that htmx brings in.
  document.body.addEventListener("htmx:afterSettle", updateAll);
})();
