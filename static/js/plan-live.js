// Partnerportalen: live comments on a plan page. New and changed comments arrive as
// server-sent events carrying only ids; the section's threads are fetched again through a
// route that checks access, and swapped in by htmx. The page works without this file.
(function () {
  "use strict";

  var plan = document.querySelector("[data-live-events]");
  if (!plan || !window.EventSource || !window.htmx) {
    return;
  }
  var waiting = {}; // section id -> announce when refreshed (the reader was typing there)
  var sending = {}; // section id -> events that came while this reader's comment was on its way

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

  function handle(sectionId, commentId, isNew) {
    if (sending[sectionId]) {
      sending[sectionId].push([commentId, isNew]);
      return;
    }
    if (isNew && document.getElementById("kommentar-" + commentId)) {
      return; // already on this page: the reader's own comment, swapped in when sent
    }
    refresh(sectionId, isNew);
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
      handle(String(message.data.section), message.data.comment, Boolean(message.data["new"]));
    }
  });

  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      Object.keys(waiting).forEach(function (sectionId) {
        refresh(sectionId, waiting[sectionId]);
      });
    }, 0);
  });

  function commentSection(elt) {
    var target = elt && elt.getAttribute && elt.getAttribute("hx-target");
    var match = target && /^#kommentarer-(\d+)$/.exec(target);
    return match ? match[1] : null;
  }

  // The reader's own comment: the event about it may arrive before the answer to the post.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var sectionId = commentSection(event.detail && event.detail.elt);
    if (sectionId && event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      sending[sectionId] = sending[sectionId] || [];
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    var sectionId = commentSection(form);
    if (form && form.matches && form.matches("form[data-reset-after-send]") && event.detail.successful) {
      form.reset(); // the comment was taken: empty the form
    }
    if (sectionId && sending[sectionId]) {
      var events = sending[sectionId];
      delete sending[sectionId];
      window.setTimeout(function () { // after the answer is swapped in
        events.forEach(function (pending) {
          handle(sectionId, pending[0], pending[1]);
        });
      }, 0);
    }
  });
})();
