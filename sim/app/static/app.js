// restrans app: sliders -> server, server -> sliders and URL, lesson keys, language links, latency record.
(function () {
  "use strict";
  var root = document.querySelector(".restrans-app");
  var dragging = null;      // the slider under the pointer: server updates leave it alone
  var pending = null;       // the latest move not yet sent (one request in flight at a time)
  var inFlight = false;
  var sentAt = null;
  window.restransLatency = [];   // milliseconds from a slider move to the redrawn charts
  window.restransRenders = 0;    // charts drawn so far (tests wait for the next one)

  function format(value) {
    var v = Number(value);
    if (Math.abs(v) >= 1000) { return Math.round(v).toLocaleString("en"); }
    return String(Number(v.toPrecision(3)));
  }
  function send(move) {
    if (inFlight) { pending = move; return; }
    inFlight = true;
    sentAt = performance.now();
    Shiny.setInputValue("lever_input", move, {priority: "event"});
  }
  document.addEventListener("input", function (event) {
    var slider = event.target;
    if (!slider.classList || !slider.classList.contains("lever-slider")) { return; }
    var shown = document.getElementById("value-" + slider.dataset.lever);
    if (shown) { shown.textContent = format(slider.value); }
    send({name: slider.dataset.lever, value: Number(slider.value)});
  });
  document.addEventListener("pointerdown", function (event) {
    if (event.target.classList && event.target.classList.contains("lever-slider")) { dragging = event.target; }
  });
  document.addEventListener("pointerup", function () { dragging = null; });

  function flush() {
    inFlight = false;
    if (pending !== null) { var next = pending; pending = null; send(next); }
  }
  $(document).on("shiny:value", function (event) {
    if (event.name !== "charts") { return; }
    var movedAt = sentAt;
    sentAt = null;
    window.requestAnimationFrame(function () {   // runs once the new charts are in the page
      window.restransRenders += 1;
      if (movedAt !== null) { window.restransLatency.push(performance.now() - movedAt); flush(); }
    });
  });
  $(document).on("shiny:idle", function () {    // a move that changed nothing redraws nothing
    var waiting = sentAt;
    if (!inFlight || waiting === null) { return; }
    window.setTimeout(function () { if (inFlight && sentAt === waiting) { sentAt = null; flush(); } }, 1000);
  });

  Shiny.addCustomMessageHandler("restrans_state", function (message) {
    history.replaceState(null, "", "?" + message.query);
    root.classList.toggle("in-lesson", message.lesson);
    if (!message.lesson) { root.classList.remove("presentation"); }
    var moved = new Set(message.moved);
    var scheduled = new Set(message.scheduled);
    document.querySelectorAll(".lever").forEach(function (lever) {
      lever.classList.toggle("scheduled", scheduled.has(lever.dataset.lever));
    });
    Object.keys(message.levers).forEach(function (name) {
      var slider = document.getElementById("lever-" + name);
      if (!slider || slider === dragging || pending !== null) { return; }
      slider.value = message.levers[name];
      var shown = document.getElementById("value-" + name);
      if (shown) { shown.textContent = format(message.levers[name]); }
      slider.closest(".lever").classList.toggle("moved", moved.has(name));
    });
    ["region", "scenario"].forEach(function (id) {
      var select = document.getElementById(id);
      if (select && select.value !== message[id]) { $(select).val(message[id]).trigger("change"); }
    });
    if (message.lesson && !root.dataset.presentationSet) { root.classList.add("presentation"); }
    root.dataset.presentationSet = message.lesson ? "1" : "";
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.language");
    if (link) {
      event.preventDefault();
      var params = new URLSearchParams(window.location.search);
      params.set("lang", link.dataset.language);
      window.location.search = params.toString();
      return;
    }
    if (event.target.closest("#presentation")) { root.classList.toggle("presentation"); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { root.classList.remove("presentation"); return; }
    if (!root.classList.contains("in-lesson")) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") { return; }
    var next = ["ArrowRight", "PageDown", " "].indexOf(event.key) >= 0;
    var previous = ["ArrowLeft", "PageUp"].indexOf(event.key) >= 0;
    if (next || previous) {
      event.preventDefault();
      document.getElementById(next ? "lesson_next" : "lesson_previous").click();
    }
  });
})();
