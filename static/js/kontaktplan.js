// Kontaktplan's behaviour for every page, in one static file (no inline scripts: CSP-friendly).
(function () {
  "use strict";

  // 1. Forms answered with 422 carry their errors: htmx 2 does not swap error responses unless
  //    told to, so every htmx form gets its errors swapped in place (the rest of the page stays).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // 2. Focus: the first field marked invalid; else an element asking for it (data-kp-focus: itself
  //    when focusable, else its first field). Runs on page load and on every piece htmx swaps in.
  function focusIn(root) {
    if (!root || !root.querySelector) return;
    var target = root.querySelector('[aria-invalid="true"]');
    if (!target) {
      var wanted = root.matches && root.matches("[data-kp-focus]") ? root : root.querySelector("[data-kp-focus]");
      if (wanted) {
        target = wanted.matches("input, select, textarea, button, [tabindex]")
          ? wanted
          : wanted.querySelector("input:not([type=hidden]), select, textarea");
      }
    }
    if (target) {
      target.focus();
      if (target.scrollIntoView && !isVisible(target)) target.scrollIntoView({ block: "nearest" });
    }
  }
  function isVisible(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (elt === document.body) return; // first load: handled below, once
    // Only one contact form open in the worklist at a time.
    if (elt.classList && elt.classList.contains("kp-contact-row")) {
      document.querySelectorAll(".kp-contact-row").forEach(function (row) {
        if (row !== elt) row.remove();
      });
    }
    focusIn(elt);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) invalid.focus();
  });

  // 3. Close buttons (data-kp-close="<selector of what to remove>"): focus returns to the row's button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-kp-close]");
    if (!button) return;
    var panel = button.closest(button.getAttribute("data-kp-close"));
    if (!panel) return;
    var row = panel.previousElementSibling;
    panel.remove();
    var back = row && row.querySelector("button");
    if (back) back.focus();
  });

  // 4. Minutes follow the channel (fremmøde 45, telefon/video 30, digital 20) until typed in.
  document.addEventListener("input", function (event) {
    if (event.target.name === "minutes") event.target.dataset.kpTouched = "1";
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-default-minutes]")) return;
    var minutes = select.form && select.form.elements.namedItem("minutes");
    if (!minutes || minutes.dataset.kpTouched) return;
    var defaults = JSON.parse(select.getAttribute("data-default-minutes"));
    if (defaults[select.value]) minutes.value = defaults[select.value];
  });
})();
