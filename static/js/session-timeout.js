/*
 * The warning before the idle timeout of a session (OWASP ASVS 3.3.2; core.middleware
 * enforces the limit on the server whatever this script does).
 *
 * The dialog (templates/includes/session_timeout.html) carries the seconds the session
 * has left when the page was served, how early to warn, and where to ping. Tabs of the
 * same browser share one deadline through localStorage, so working in one tab keeps the
 * others from warning. "Resta collegato" pings the keep-alive endpoint, which restarts
 * the server's idle clock and answers with the new number of seconds left.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-timeout");
  if (!dialog || !window.bootstrap) {
    return;
  }
  var STORAGE_KEY = "abitare.sessionDeadline";
  var warningMs = parseInt(dialog.dataset.warning, 10) * 1000;
  var keepAliveUrl = dialog.dataset.keepAliveUrl;
  var loginUrl = dialog.dataset.loginUrl;
  var countdown = dialog.querySelector("[data-session-countdown]");
  var keepAliveButton = dialog.querySelector("[data-session-keep-alive]");
  var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
  var shown = false;
  var ended = false;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setDeadline(secondsLeft) {
    var deadline = Date.now() + secondsLeft * 1000;
    try {
      window.localStorage.setItem(STORAGE_KEY, String(deadline));
    } catch (e) {
      /* private browsing without storage: this tab keeps its own deadline */
    }
    dialog.dataset.deadline = String(deadline);
  }

  function deadline() {
    var own = parseInt(dialog.dataset.deadline, 10);
    var shared = NaN;
    try {
      shared = parseInt(window.localStorage.getItem(STORAGE_KEY), 10);
    } catch (e) {
      /* see setDeadline */
    }
    // Another tab's later deadline means the user was active there.
    return isNaN(shared) ? own : Math.max(own, shared);
  }

  function formatLeft(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(total / 60);
    var seconds = total % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function goToLogin() {
    ended = true;
    var next = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(next));
  }

  function tick() {
    if (ended) {
      return;
    }
    var left = deadline() - Date.now();
    if (left <= 0) {
      goToLogin();
      return;
    }
    if (left <= warningMs) {
      countdown.textContent = formatLeft(left);
      if (!shown) {
        shown = true;
        modal.show();
      }
    } else if (shown) {
      shown = false;
      modal.hide();
    }
  }

  function keepAlive() {
    keepAliveButton.disabled = true;
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        // A redirect (to the login page) means the session has already ended.
        if (!response.ok) {
          throw new Error("session ended");
        }
        return response.json();
      })
      .then(function (data) {
        setDeadline(data.expires_in);
        shown = false;
        modal.hide();
      })
      .catch(goToLogin)
      .finally(function () {
        keepAliveButton.disabled = false;
      });
  }

  // Bootstrap marks every modal role="dialog" when it opens; this one is an urgent
  // warning that needs an answer, so it is an alertdialog, with the focus on the answer.
  dialog.addEventListener("shown.bs.modal", function () {
    dialog.setAttribute("role", "alertdialog");
    keepAliveButton.focus();
  });
  keepAliveButton.addEventListener("click", keepAlive);
  setDeadline(parseInt(dialog.dataset.expiresIn, 10));
  window.setInterval(tick, 1000);
})();
