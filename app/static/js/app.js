// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function dismissToasts(root) {
    (root || document).querySelectorAll(".toast:not([data-timer])").forEach(function (toast) {
      toast.setAttribute("data-timer", "1");
      toast.addEventListener("click", function () { toast.remove(); });
      if (!toast.classList.contains("toast-error")) {
        setTimeout(function () { toast.remove(); }, 6000);
      }
    });
  }
  // A week grid that scrolls sideways (phones) opens at today's column.
  function showToday() {
    document.querySelectorAll(".cal-wrap:not([data-shown])").forEach(function (wrap) {
      wrap.setAttribute("data-shown", "1");
      var today = wrap.querySelector("thead th.is-today");
      var time = wrap.querySelector("thead th.cal-time");
      if (today && wrap.scrollWidth > wrap.clientWidth) {
        wrap.scrollLeft = today.offsetLeft - (time ? time.offsetWidth : 0);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { dismissToasts(); showToday(); });
  document.addEventListener("htmx:afterSettle", function () { dismissToasts(); showToday(); });
  // One navigation drop-down open at a time; a click elsewhere closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.navgroup[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    }
  });
  // Plain (non-htmx) forms that destroy something ask first; so does a button that
  // submits a shared form (form= and formaction=) with its own question.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
