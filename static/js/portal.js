// Partnerportalen: small progressive enhancements on top of htmx. Pages work without this file.
(function () {
  "use strict";

  // After htmx swaps content in, move focus where the swapped content asks for it
  // (data-focus-after-swap: an error summary, a new row). Other swaps — such as a list
  // filtering while someone types — leave focus where it is.
  document.addEventListener("htmx:afterSettle", function (event) {
    // After an outerHTML swap the old target is gone; look in what replaced it.
    var root = event.detail && (event.detail.elt || event.detail.target);
    if (!root || !(root instanceof HTMLElement)) {
      return;
    }
    var scope = root.isConnected ? root : document;
    var wanted = root.matches && root.matches("[data-focus-after-swap]") && root.isConnected
      ? root
      : scope.querySelector("[data-focus-after-swap]");
    if (!wanted) {
      return;
    }
    if (!wanted.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(wanted.tagName)) {
      wanted.setAttribute("tabindex", "-1");
    }
    wanted.focus();
  });
})();
