/* her2guide navigator worker: runs the real engine (the her2guide wheel) in Pyodide.
 * Messages in:  {type: "init", base}  then  {type: "evaluate", id, json, today}
 * Messages out: {type: "progress", stage, of, text} · {type: "ready", ms} ·
 *               {type: "result", id, out, ms} · {type: "failed", message}
 * Everything is loaded from `base` (this site's assets/navigator/), never from a CDN. */
"use strict";
let evaluate = null;

async function init(base) {
  const t0 = performance.now();
  const stages = {};
  const step = (stage, text) => {
    stages[stage] = Math.round(performance.now() - t0);
    self.postMessage({ type: "progress", stage, of: 4, text });
  };
  step(1, "Loading the Python runtime (Pyodide)…");
  importScripts(base + "pyodide.js");
  step(2, "Starting Python…");
  const pyodide = await self.loadPyodide({
    indexURL: base,
    lockFileURL: base + "pyodide-lock.json",
    packages: [],
    fullStdLib: false,
    stdout: () => {},
    stderr: () => {},
  });
  step(3, "Installing her2guide…");
  const resp = await fetch(base + "her2guide-py3-none-any.whl");
  if (!resp.ok) throw new Error(`her2guide wheel: HTTP ${resp.status}`);
  pyodide.FS.writeFile("/tmp/her2guide.whl", new Uint8Array(await resp.arrayBuffer()));
  // Install without dependencies: the browser path reads JSON only (no PyYAML).
  pyodide.runPython(
    "import site, zipfile\n" +
      "zipfile.ZipFile('/tmp/her2guide.whl').extractall(site.getsitepackages()[0])\n"
  );
  step(4, "Loading her2guide's data…");
  evaluate = pyodide.runPython("from her2guide.browser import evaluate\nevaluate");
  // Warm the catalogue once so the first answer is as quick as the next.
  evaluate('{"her2": "positive", "setting": "metastatic"}', "2026-01-01");
  stages[5] = Math.round(performance.now() - t0);
  self.postMessage({ type: "ready", ms: performance.now() - t0, stages });
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      await init(msg.base);
    } else if (msg.type === "evaluate") {
      const t0 = performance.now();
      const out = evaluate(msg.json, msg.today);
      self.postMessage({ type: "result", id: msg.id, out, ms: performance.now() - t0 });
    }
  } catch (err) {
    // A failure of the runtime itself (not of the scenario): report it, no traceback.
    const text = String((err && err.message) || err).split("\n").filter(Boolean);
    self.postMessage({ type: "failed", message: text[text.length - 1] || "unknown error" });
  }
};
