/* Accessibility fixes for widgets Django's admin builds in JavaScript.
 *
 * SelectFilter2 (filter_horizontal) puts aria-label on a bare <span> (a prohibited attribute
 * there, axe aria-prohibited-attr): give it role="img" so the label names an image. The widget
 * is built on window load, so fix after that, and again for inline rows added later.
 */
(function () {
    "use strict";
    function fix(root) {
        root.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (el) {
            el.setAttribute("role", "img");
        });
    }
    window.addEventListener("load", function () {
        setTimeout(function () { fix(document); }, 0);
    });
    document.addEventListener("formset:added", function (event) { fix(event.target); });
})();
