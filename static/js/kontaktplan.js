// Small behaviours that would otherwise be inline handlers (the Content-Security-Policy forbids
// inline scripts): clear a panel, print the page, and move focus to swapped-in content.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-kp-clear]");
    if (clear) {
      var panel = document.getElementById(clear.getAttribute("data-kp-clear"));
      if (panel) panel.innerHTML = "";
    }
    if (event.target.closest("[data-kp-print]")) window.print();
  });
  // After htmx swaps content in: focus the element marked data-kp-focus (its own selector, or itself).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    var marked = root && root.querySelector ? root.querySelector("[data-kp-focus]") : null;
    if (!marked && root && root.matches && root.matches("[data-kp-focus]")) marked = root;
    if (!marked) return;
    var selector = marked.getAttribute("data-kp-focus");
    var target = selector ? marked.querySelector(selector) : marked;
    if (target) target.focus();
  });
})();
