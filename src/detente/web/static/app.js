// detente workbench: draw every Vega-Lite chart of a page or of a swapped fragment with
// vega-embed (served from the package), and let a click on a proposal's mark open its detail.
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
  function draw(root) {
    if (!window.vegaEmbed) return;
    root.querySelectorAll("figure.chart").forEach(function (fig) {
      var target = fig.querySelector(".vega");
      var island = fig.querySelector("script.vega-spec");
      if (!target || !island || target.dataset.drawn) return;
      target.dataset.drawn = "1";
      var spec = JSON.parse(island.textContent);
      // the spec's usermeta.embedOptions (renderer: canvas for thousands of points) applies
      vegaEmbed(target, spec, { actions: false })
        .then(function (res) {
          target.dataset.rendered = String(Date.now());
          res.view.addEventListener("click", function (_ev, item) {
            // a mark of a proposal carries its name (and, in the utility spaces, its id)
            var d = item && item.datum;
            if (!d || d.proposal === undefined) return;
            var row = d.id !== undefined
              ? document.querySelector('tr[data-proposal="' + CSS.escape(String(d.id)) + '"]')
              : document.querySelector('tr[data-proposal-name="' + CSS.escape(String(d.proposal)) + '"]');
            if (row && window.htmx) htmx.trigger(row, "click");
          });
          document.dispatchEvent(new CustomEvent("detente:drawn", { detail: fig.id }));
        })
        .catch(function (err) { target.textContent = "chart failed: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { draw(ev.target || document); });
})();
