// Partnerportalen: live comments on a plan page. New and changed comments arrive as
// server-sent events carrying only ids; the section's threads are fetched again through a
// route that checks access, and swapped in by htmx. The page works without this file.
(function () {
  "use strict";

  var plan = document.querySelector("[data-live-events]");
  if (!plan || !window.EventSource || !window.htmx) {
    return;
  }
  var waiting = {};

  function busy(box) {
    // Someone typing a reply in this section: wait until they leave it.
    var active = document.activeElement;
    return active && box.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName);
  }

  function announce(text) {
    var region = document.getElementById("meddelanden");
    if (region && text) {
      region.textContent = text;
    }
  }

  function refresh(sectionId, isNew) {
    var box = document.getElementById("kommentarer-" + sectionId);
    if (!box) {
      return;
    }
    if (busy(box)) {
      waiting[sectionId] = waiting[sectionId] || isNew;
      return;
    }
    delete waiting[sectionId];
    window.htmx.ajax("GET", box.getAttribute("data-threads-url"), {
      target: box,
      swap: "outerHTML"
    }).then(function () {
      if (isNew) {
        announce(plan.getAttribute("data-live-new-comment"));
      }
    });
  }

  var source = new EventSource(plan.getAttribute("data-live-events"));
  source.addEventListener("comment", function (event) {
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (message && message.data) {
      refresh(String(message.data.section), Boolean(message.data["new"]));
    }
  });

  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      Object.keys(waiting).forEach(function (sectionId) {
        refresh(sectionId, waiting[sectionId]);
      });
    }, 0);
  });

  // A comment sent with htmx: empty the form once the server has taken it.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-after-send]") && event.detail.successful) {
      form.reset();
    }
  });
})();
