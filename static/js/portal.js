// Partnerportalen: small progressive enhancements on top of htmx. Pages work without this file.
(function () {
  "use strict";

  // After htmx swaps content in, move focus to where the change happened, so keyboard and
  // screen-reader users are not left on an element that no longer exists.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !(target instanceof HTMLElement)) {
      return;
    }
    // The live region announces by itself; taking focus there would interrupt reading.
    if (target.id === "meddelanden") {
      return;
    }
    var wanted = target.querySelector("[data-focus-after-swap]") || target;
    if (!wanted.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(wanted.tagName)) {
      wanted.setAttribute("tabindex", "-1");
    }
    wanted.focus();
  });
})();
