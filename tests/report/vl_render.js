// Headless check of Vega-Lite specs with the vendored builds: node vl_render.js STATIC_DIR SPEC.json...
// compiles each spec (vega-lite), parses the Vega spec, runs the dataflow and renders SVG (vega,
// renderer none), and prints {file: {ok, error, warnings, svg_chars}} as JSON.
const dir = process.argv[2];
const fs = require('fs');
const vm = require('vm');
for (const name of ['vega.min.js', 'vega-lite.min.js']) {
  vm.runInThisContext(fs.readFileSync(dir + '/' + name, 'utf8'), {filename: name});
}
(async () => {
  const out = {};
  for (const f of process.argv.slice(3)) {
    const warnings = [];
    try {
      const vl = JSON.parse(fs.readFileSync(f, 'utf8'));
      const logger = {level(){return this;}, warn(...a){warnings.push(a.join(' '));return this;}, info(){return this;}, debug(){return this;}, error(...a){warnings.push('ERROR '+a.join(' '));return this;}};
      const vg = vegaLite.compile(vl, {logger}).spec;
      const view = new vega.View(vega.parse(vg), {renderer: 'none'});
      view.logger({level(){return this;}, warn(...a){warnings.push(a.join(' '));return this;}, info(){return this;}, debug(){return this;}, error(...a){warnings.push('ERROR '+a.join(' '));return this;}});
      await view.runAsync();
      const svg = await view.toSVG();
      out[f] = {ok: true, warnings, svg_chars: svg.length};
    } catch (e) {
      out[f] = {ok: false, error: String(e && e.message || e), warnings};
    }
  }
  console.log(JSON.stringify(out, null, 1));
})();
