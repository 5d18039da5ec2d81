// detente workbench: htmx settings, and a click on a proposal's mark opens its detail. The
// charts are drawn by the chart layer's loader (/charts.js, the one the HTML reports inline),
// which fires "detente:drawn" with the Vega view of each chart it draws.
(function () {
  "use strict";
  if (window.htmx) {
    // 4xx answers carry a message for #messages (HX-Retarget): swap them too.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[4]..", swap: true, error: false },
      { code: "[5]..", swap: true, error: true },
    ];
    htmx.config.selfRequestsOnly = true;
  }
  document.addEventListener("detente:drawn", function (ev) {
    if (ev.detail.how !== "embed") return;  // an updated chart keeps its listener
    ev.detail.view.addEventListener("click", function (_ev, item) {
      // a mark of a proposal carries its name (and, in the utility spaces, its id)
      var d = item && item.datum;
      if (!d || d.proposal === undefined) return;
      var row = d.id !== undefined
        ? document.querySelector('tr[data-proposal="' + CSS.escape(String(d.id)) + '"]')
        : document.querySelector('tr[data-proposal-name="' + CSS.escape(String(d.proposal)) + '"]');
      if (row && window.htmx) htmx.trigger(row, "click");
    });
  });
})();
