/* her2guide decision table: filter the patient classes of the published projection and show
   the distinct answers among them. Plain JavaScript, no dependencies; the data (index.json
   and one h<k>.json per metastatic history) is fetched from this site on first use only. */
(function () {
  "use strict";
  var root = document.getElementById("h2g-table");
  if (!root) return;
  var form = root.querySelector("form");
  var out = document.getElementById("h2g-table-result");
  var base = root.getAttribute("data-base");
  var algorithm = root.getAttribute("data-algorithm");
  var MAX_GROUPS = 30;
  var index = null;
  var chunks = {};

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function ruleLink(id) {
    var a = el("a", id);
    var rule = index.rules[id];
    a.href = algorithm + "#" + (rule ? rule[1] : id.toLowerCase());
    if (rule) a.title = rule[0];
    var c = el("code");
    c.appendChild(a);
    return c;
  }
  function regimenList(ids) {
    if (!ids.length) return "none";
    return ids.map(function (r) { return index.regimens[r] || r; }).join("; ");
  }
  function row(dl, term, value) {
    dl.appendChild(el("dt", term));
    var dd = el("dd");
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  }
  function rules(ids) {
    var span = el("span");
    if (!ids.length) span.textContent = "none";
    ids.forEach(function (id, i) {
      if (i) span.appendChild(document.createTextNode(", "));
      span.appendChild(ruleLink(id));
    });
    return span;
  }
  function filters() {
    var f = {};
    index.dimensions.forEach(function (d) {
      var v = form.elements[d.key].value;
      f[d.key] = v === "" ? null : Number(v);
    });
    return f;
  }
  function render(chunk, f) {
    var dims = index.dimensions.slice(1); // history is the chunk
    var sizes = dims.map(function (d) { return d.values.length; });
    var nInt = sizes[sizes.length - 1];
    var nCombos = chunk.cells.length / sizes.slice(0, 5).reduce(function (a, b) { return a * b; }, 1);
    var counts = new Map();
    var example = new Map();
    var matched = 0;
    for (var idx = 0; idx < chunk.cells.length; idx++) {
      var rest = idx;
      var combo = rest % nCombos;
      rest = (rest - combo) / nCombos;
      var digits = [];
      for (var j = 4; j >= 0; j--) {
        digits[j] = rest % sizes[j];
        rest = (rest - digits[j]) / sizes[j];
      }
      var early = combo === 0 ? 0 : 1 + Math.floor((combo - 1) / nInt);
      var interval = combo === 0 ? null : (combo - 1) % nInt;
      digits.push(early, interval);
      var ok = true;
      for (j = 0; j < dims.length && ok; j++) {
        var want = f[dims[j].key];
        if (want === null) continue;
        if (j === dims.length - 1 && digits[j] === null) continue; // no early therapy: no interval
        ok = digits[j] === want;
      }
      if (!ok) continue;
      matched++;
      var a = chunk.cells[idx];
      counts.set(a, (counts.get(a) || 0) + 1);
      if (!example.has(a)) example.set(a, digits);
    }
    out.textContent = "";
    var groups = Array.from(counts.entries()).sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; });
    var summary = el("p", matched.toLocaleString("en") + " patient classes match; " +
      groups.length.toLocaleString("en") + " distinct answer" + (groups.length === 1 ? "" : "s") +
      (groups.length > MAX_GROUPS ? " (the " + MAX_GROUPS + " most frequent are shown: narrow the filters to see the rest)" : "") + ".",
      "h2g-table-summary");
    out.appendChild(summary);
    groups.slice(0, MAX_GROUPS).forEach(function (g, n) {
      var ans = chunk.answers[g[0]];
      var sec = el("section", null, "h2g-table-answer");
      sec.appendChild(el("h3", "Answer " + (n + 1) + ": " + g[1].toLocaleString("en") + " of " +
        matched.toLocaleString("en") + " classes"));
      var dl = el("dl");
      row(dl, "Line", ans[0] === null ? "not determined" : String(ans[0]));
      row(dl, "Preferred", regimenList(ans[1]));
      row(dl, "Alternatives", regimenList(ans[2]));
      row(dl, "Other (with a caveat)", regimenList(ans[3]));
      var al = el("span");
      al.textContent = ans[4].length ? "" : "none";
      ans[4].forEach(function (code, i) {
        if (i) al.appendChild(document.createTextNode(", "));
        var c = el("code", code);
        if (index.alerts[code]) c.title = index.alerts[code];
        al.appendChild(c);
      });
      row(dl, "Alerts", al);
      var ex = el("span");
      ex.textContent = ans[5].length ? "" : "none";
      ans[5].forEach(function (e, i) {
        if (i) ex.appendChild(document.createTextNode("; "));
        ex.appendChild(document.createTextNode((index.regimens[e[0]] || e[0]) + " ("));
        ex.appendChild(ruleLink(e[1]));
        ex.appendChild(document.createTextNode(")"));
      });
      row(dl, "Set aside", ex);
      row(dl, "Rules that fired in every class", rules(ans[6]));
      if (ans[7].length) row(dl, "Rules that fired in some classes", rules(ans[7]));
      var d = example.get(g[0]);
      var text = index.dimensions.slice(1).map(function (dim, j) {
        return d[j] === null ? null : dim.label + ": " + dim.values[d[j]];
      }).filter(Boolean).join("; ");
      row(dl, "Example class", text);
      sec.appendChild(dl);
      out.appendChild(sec);
    });
  }
  function update(ev) {
    if (ev) ev.preventDefault();
    root.setAttribute("data-state", "loading");
    var start = index ? Promise.resolve(index) : getJSON(base + "index.json").then(function (x) { index = x; return x; });
    start.then(function () {
      var f = filters();
      var k = f.history;
      if (!chunks[k]) chunks[k] = getJSON(base + "h" + k + ".json");
      return chunks[k].then(function (chunk) { render(chunk, f); });
    }).then(function () {
      root.setAttribute("data-state", "ready");
    }).catch(function (err) {
      root.setAttribute("data-state", "error");
      out.textContent = "The decision table could not be loaded (" + err.message + ").";
    });
  }
  form.addEventListener("submit", update);
  form.addEventListener("change", function () { if (index) update(); });
})();
