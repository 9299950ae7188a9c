// Kontaktplan's behaviour for every page, in one static file: the Content-Security-Policy forbids
// inline scripts and inline handlers.
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
      // data-kp-focus="<selector>" focuses that element inside; empty: the element itself when
      // focusable, else its first field.
      var wanted = root.matches && root.matches("[data-kp-focus]") ? root : root.querySelector("[data-kp-focus]");
      if (wanted) {
        var selector = wanted.getAttribute("data-kp-focus");
        if (selector) target = wanted.querySelector(selector);
        else if (wanted.matches("input, select, textarea, button, [tabindex]")) target = wanted;
        else target = wanted.querySelector("input:not([type=hidden]), select, textarea");
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
    focusIn(elt);
  });

  // 3. A panel opened from a table row (the worklist's #contact-panel: contact form, booking)
  //    opens in place: the panel moves into a full-width row right under the row that asked.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    var trigger = event.detail.elt;
    if (!target || !target.classList.contains("kp-panel") || !trigger.closest) return;
    var row = trigger.closest("tr");
    if (!row || row.classList.contains("kp-contact-row") || !row.parentElement || row.parentElement.tagName !== "TBODY") return;
    var holder = document.querySelector("tr.kp-contact-row");
    if (!holder) {
      holder = document.createElement("tr");
      holder.className = "kp-contact-row";
      var cell = document.createElement("td");
      cell.colSpan = 100;
      holder.appendChild(cell);
    }
    holder.firstChild.appendChild(target);
    row.after(holder);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) invalid.focus();
  });

  // 4. data-kp-clear="<panel id>" empties the panel (focus returns to the button of the row it was
  //    opened from); data-kp-print prints the page.
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var clear = event.target.closest("[data-kp-clear]");
    if (clear) {
      var panel = document.getElementById(clear.getAttribute("data-kp-clear"));
      if (panel) {
        var holder = panel.closest("tr.kp-contact-row");
        var row = holder && holder.previousElementSibling;
        panel.innerHTML = "";
        var back = row && row.querySelector("button");
        if (back) back.focus();
      }
    }
    if (event.target.closest("[data-kp-print]")) window.print();
  });

  // 5. Minutes follow the channel (fremmøde 45, telefon/video 30, digital 20) until typed in.
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
