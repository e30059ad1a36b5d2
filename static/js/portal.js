// Partnerportalen: small progressive enhancements on top of htmx. Pages work without this file.
(function () {
  "use strict";

  // After htmx swaps content in, move focus where the swapped content asks for it
  // (data-focus-after-swap: an error summary, a new row). Other swaps — such as a list
  // filtering while someone types — leave focus where it is.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !(target instanceof HTMLElement)) {
      return;
    }
    var wanted = target.querySelector("[data-focus-after-swap]");
    if (!wanted) {
      return;
    }
    if (!wanted.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(wanted.tagName)) {
      wanted.setAttribute("tabindex", "-1");
    }
    wanted.focus();
  });
})();
