// After a refused form, the error summary at the top of the page takes the focus, so a
// keyboard or screen-reader user hears first that the form was not saved and what to fix
// (WCAG 2.1 3.3.1, 2.4.3). The summary is rendered by the server (base.html).
(function () {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
