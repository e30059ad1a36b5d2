// Partnerportalen: small progressive enhancements on top of htmx. Pages work without this file.
(function () {
  "use strict";

  // After htmx swaps content in, move focus where the swapped content asks for it
  // (data-focus-after-swap: an error summary, a new row), once: the mark is taken off, so that
  // content added beside it later (a new comment after an earlier one) is not outrun by it.
  // Other swaps — such as a list filtering while someone types — leave focus where it is.
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
    wanted.removeAttribute("data-focus-after-swap");
    wanted.focus();
  });

  // The main menu's groups (<details>, which open and close without this): one open at a time,
  // and an open one closes with Escape (focus back on its button), with a click elsewhere or
  // when focus leaves it, as a drop-down menu does.
  var groups = document.querySelectorAll(".portal-menu__disclosure");
  function closeGroups(except) {
    groups.forEach(function (group) {
      if (group !== except) {
        group.open = false;
      }
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) {
        closeGroups(group);
      }
    });
    group.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !group.contains(event.relatedTarget)) {
        group.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".portal-menu__disclosure[open], .portal-menu[open]")
      : null;
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element) || !event.target.closest(".portal-menu__disclosure")) {
      closeGroups(null);
    }
  });
})();
