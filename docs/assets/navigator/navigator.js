/* her2guide navigator page: the form, the URL fragment and the worker that runs the engine.
 *
 * Contract (DESIGN.md "Other ways in and out"): #navigator carries data-state
 * (loading | ready | done | error); the scenario travels in the fragment #s= + base64url(JSON);
 * after an answer #recommendation-json holds exactly what `her2guide recommend --format json`
 * prints. data-run counts finished evaluations (tests wait on it).
 * Nothing here talks to any host but this site. */
(() => {
  "use strict";
  const root = document.getElementById("navigator");
  if (!root) return;
  const form = document.getElementById("navigator-form");
  const lineList = document.getElementById("nav-line-list");
  const lineTemplate = document.getElementById("nav-line-template");
  const statusText = document.getElementById("nav-status-text");
  const progress = document.getElementById("nav-progress");
  const problemsBox = document.getElementById("nav-problems");
  const report = document.getElementById("recommendation");
  const jsonBox = document.getElementById("recommendation-json");
  const yamlBox = document.getElementById("nav-yaml");
  const base = new URL(root.dataset.base, document.baseURI).href;

  let worker = null;
  let ready = false;
  let pending = null; // scenario JSON waiting for the engine
  let seq = 0;
  let extras = {}; // keys of a shared scenario that the form has no field for
  let lastYaml = "";

  const setState = (state) => root.setAttribute("data-state", state);
  const today = () => {
    const d = new Date();
    const p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  };

  /* ---------------------------------------------------------------- fragment */
  const toB64url = (text) => {
    const bytes = new TextEncoder().encode(text);
    let bin = "";
    bytes.forEach((b) => (bin += String.fromCharCode(b)));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const fromB64url = (text) => {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    return new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(bin, (c) => c.charCodeAt(0))
    );
  };
  const fragmentScenario = () => {
    const m = /^#s=([A-Za-z0-9_-]*)$/.exec(location.hash);
    if (!m) return null;
    try {
      return { text: fromB64url(m[1]) };
    } catch (e) {
      return { error: "the address after #s= is not base64url-encoded UTF-8 text" };
    }
  };

  /* ---------------------------------------------------------------- form <-> scenario */
  const controls = (scope) =>
    Array.from(scope.querySelectorAll("[data-key]")).filter((el) => !el.closest("template"));
  const topControls = () =>
    controls(form).filter((el) => !el.closest(".h2g-nav-line, [data-object]"));
  const earlyControls = () => controls(form.querySelector('[data-object="early_treatment"]'));

  const readControl = (el) => {
    const raw = el.value.trim();
    if (raw === "") return undefined;
    switch (el.dataset.kind) {
      case "enum":
      case "boolean":
        return JSON.parse(raw);
      case "number": {
        const n = Number(raw);
        return raw !== "" && Number.isFinite(n) ? n : raw; // the engine names a non-number
      }
      case "list":
        return raw.split(",").map((s) => s.trim()).filter(Boolean);
      default:
        return raw;
    }
  };
  const writeControl = (el, value) => {
    if (value === undefined || value === null) {
      el.value = "";
      return;
    }
    if (el.tagName === "SELECT") {
      const want = JSON.stringify(value);
      if (!Array.from(el.options).some((o) => o.value === want)) {
        const opt = document.createElement("option");
        opt.value = want;
        opt.textContent = `${typeof value === "string" ? value : want} (not an allowed value)`;
        el.appendChild(opt);
      }
      el.value = want;
    } else if (Array.isArray(value)) {
      el.value = value.map(String).join(", ");
    } else {
      el.value = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  };

  const renumber = () => {
    Array.from(lineList.children).forEach((li, i) => {
      li.dataset.line = String(i);
      li.querySelector("legend").textContent = `Line ${i + 1}`;
      const rm = li.querySelector(".h2g-nav-remove");
      rm.textContent = `Remove line ${i + 1}`;
      rm.setAttribute("aria-label", `Remove line ${i + 1}`);
      li.querySelectorAll("[id]").forEach((el) => {
        el.id = el.id.replace(/-\d+(-help|-error)?$/, `-${i}$1`);
      });
      li.querySelectorAll("label[for]").forEach((el) => {
        el.htmlFor = el.htmlFor.replace(/-\d+$/, `-${i}`);
      });
      li.querySelectorAll("[aria-describedby]").forEach((el) => {
        el.setAttribute(
          "aria-describedby",
          el.getAttribute("aria-describedby").replace(/-\d+-(help|error)/g, `-${i}-$1`)
        );
      });
    });
  };
  const addLine = (line) => {
    const i = lineList.children.length;
    const html = lineTemplate.innerHTML.replace(/\{i\}/g, String(i)).replace(/\{n\}/g, String(i + 1));
    lineList.insertAdjacentHTML("beforeend", html);
    const li = lineList.lastElementChild;
    if (line && typeof line === "object" && !Array.isArray(line)) {
      controls(li).forEach((el) => writeControl(el, line[el.dataset.key]));
      li._extras = Object.fromEntries(
        Object.entries(line).filter(([k]) => !controls(li).some((el) => el.dataset.key === k))
      );
    } else if (line !== undefined) {
      li._raw = line; // not a mapping: sent unchanged so the engine names it
    }
    return li;
  };

  const fillForm = (data) => {
    const obj = data && typeof data === "object" && !Array.isArray(data) ? data : {};
    const known = new Set(topControls().map((el) => el.dataset.key));
    known.add("early_treatment");
    known.add("metastatic_lines");
    extras = Object.fromEntries(Object.entries(obj).filter(([k]) => !known.has(k)));
    topControls().forEach((el) => writeControl(el, obj[el.dataset.key]));
    const et = obj.early_treatment;
    const etObj = et && typeof et === "object" && !Array.isArray(et) ? et : {};
    earlyControls().forEach((el) => writeControl(el, etObj[el.dataset.key]));
    form.querySelector('[data-object="early_treatment"]')._raw =
      et !== undefined && et !== etObj ? et : undefined;
    form.querySelector('[data-object="early_treatment"]')._extras = Object.fromEntries(
      Object.entries(etObj).filter(([k]) => !earlyControls().some((el) => el.dataset.key === k))
    );
    lineList.replaceChildren();
    if (Array.isArray(obj.metastatic_lines)) obj.metastatic_lines.forEach((l) => addLine(l));
  };

  const readForm = () => {
    const out = {};
    topControls().forEach((el) => {
      const v = readControl(el);
      if (v !== undefined) out[el.dataset.key] = v;
    });
    const etBox = form.querySelector('[data-object="early_treatment"]');
    if (etBox._raw !== undefined) {
      out.early_treatment = etBox._raw;
    } else {
      const et = { ...(etBox._extras || {}) };
      earlyControls().forEach((el) => {
        const v = readControl(el);
        if (v !== undefined) et[el.dataset.key] = v;
      });
      if (Object.keys(et).length) out.early_treatment = et;
    }
    // The line editor always says how many metastatic lines there were (none = first line).
    out.metastatic_lines = Array.from(lineList.children).map((li) => {
      if (li._raw !== undefined) return li._raw;
      const line = { ...(li._extras || {}) };
      controls(li).forEach((el) => {
        const v = readControl(el);
        if (v !== undefined) line[el.dataset.key] = v;
      });
      return line;
    });
    // Schema order, then keys the form has no field for (the engine reports unknown ones).
    return { ...out, ...extras };
  };

  /* ---------------------------------------------------------------- problems */
  const clearProblems = () => {
    form.querySelectorAll(".h2g-nav-error").forEach((el) => (el.textContent = ""));
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    problemsBox.replaceChildren();
  };
  const problemTarget = (field) => {
    const path = field.replace(/\.(agents|toxicity_agents)\[\d+\]$/, ".$1");
    const m = /^metastatic_lines\[(\d+)\](?:\.(\w+))?/.exec(path);
    if (m) {
      const li = lineList.children[Number(m[1])];
      if (li && m[2]) {
        return document.getElementById(`nav-metastatic-lines-${m[2].replace(/_/g, "-")}-${m[1]}`);
      }
      return li ? li.querySelector("[data-key]") : document.getElementById("nav-add-line");
    }
    const id = "nav-" + path.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return document.getElementById(id);
  };
  const showProblems = (problems) => {
    const list = document.createElement("ul");
    problems.forEach((p) => {
      const target = problemTarget(p.field);
      const errorBox =
        (target && document.getElementById(`${target.id}-error`)) ||
        document.getElementById(`nav-${p.field.replace(/_/g, "-")}-error`);
      if (errorBox) {
        errorBox.textContent = errorBox.textContent ? `${errorBox.textContent}; ${p.message}` : p.message;
      }
      if (target && target.matches("input, select")) target.setAttribute("aria-invalid", "true");
      const li = document.createElement("li");
      li.textContent = p.text;
      list.appendChild(li);
    });
    const head = document.createElement("p");
    head.innerHTML = "<strong>Invalid scenario</strong> (as the CLI reports it):";
    problemsBox.replaceChildren(head, list);
  };

  /* ---------------------------------------------------------------- Markdown subset */
  const esc = (s) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const inline = (text) => {
    const codes = [];
    let s = esc(text)
      .replace(/&lt;(\/?)small&gt;/g, "<$1small>")
      .replace(/`([^`]+)`/g, (_, c) => `\u0000${codes.push(c) - 1}\u0000`);
    s = s.replace(/\[([^\]]+)\]\(([A-Za-z0-9_./#-]+)\)/g, '<a href="$2">$1</a>');
    s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/(^|[^*\w])\*([^*\s][^*]*?)\*(?=[^*\w]|$)/g, "$1<em>$2</em>");
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
  };
  const cells = (row) => row.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  const markdown = (md) => {
    const out = [];
    const blocks = md.split(/\n\s*\n/);
    for (const block of blocks) {
      const lines = block.split("\n").filter((l) => l.trim() !== "");
      if (!lines.length) continue;
      if (/^#{1,6} /.test(lines[0]) && lines.length === 1) {
        const level = Math.min(6, lines[0].indexOf(" ") + 1);
        out.push(`<h${level}>${inline(lines[0].replace(/^#+ /, ""))}</h${level}>`);
      } else if (lines.every((l) => l.trim().startsWith("|"))) {
        const head = cells(lines[0]);
        const body = lines.slice(2).map(cells);
        out.push(
          '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table><thead><tr>' +
            head.map((h) => `<th>${inline(h)}</th>`).join("") +
            "</tr></thead><tbody>" +
            body.map((r) => "<tr>" + r.map((c) => `<td>${inline(c)}</td>`).join("") + "</tr>").join("") +
            "</tbody></table></div></div>"
        );
      } else if (lines.every((l) => /^- /.test(l))) {
        out.push("<ul>" + lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join("") + "</ul>");
      } else if (lines.every((l) => /^\d+\. /.test(l))) {
        out.push(
          "<ol>" + lines.map((l) => `<li>${inline(l.replace(/^\d+\. /, ""))}</li>`).join("") + "</ol>"
        );
      } else {
        out.push(`<p>${lines.map(inline).join("<br>")}</p>`);
      }
    }
    return out.join("\n");
  };

  /* ---------------------------------------------------------------- engine */
  const show = (out) => {
    clearProblems();
    if (out.state === "done") {
      report.innerHTML = markdown(out.markdown);
      jsonBox.textContent = out.json;
      yamlBox.textContent = out.yaml;
      lastYaml = out.yaml;
    } else {
      report.replaceChildren();
      jsonBox.textContent = "";
      showProblems(out.problems);
    }
    setState(out.state);
    root.dataset.run = String(Number(root.dataset.run || "0") + 1);
  };
  const run = (json) => {
    if (!ready) {
      pending = json;
      return;
    }
    seq += 1;
    worker.postMessage({ type: "evaluate", id: seq, json, today: today() });
  };
  const fromFragment = () => {
    const frag = fragmentScenario();
    if (!frag) return false;
    if (frag.error) {
      clearProblems();
      showProblems([{ field: "(link)", message: frag.error, text: `(link): ${frag.error}` }]);
      setState("error");
      return true;
    }
    let data;
    try {
      data = JSON.parse(frag.text);
    } catch (e) {
      data = undefined;
    }
    fillForm(data);
    run(frag.text); // the scenario from the link goes to the engine unchanged
    return true;
  };
  const fromForm = () => {
    const scenario = readForm();
    const text = JSON.stringify(scenario);
    history.replaceState(null, "", "#s=" + toB64url(text));
    run(text);
  };

  const startWorker = () => {
    worker = new Worker(base + "worker.js");
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "progress") {
        progress.value = msg.stage;
        statusText.textContent = msg.text;
      } else if (msg.type === "ready") {
        ready = true;
        progress.value = progress.max;
        progress.hidden = true;
        statusText.textContent = `Engine ready (started in ${(msg.ms / 1000).toFixed(1)} s, in this browser).`;
        root.dataset.engineMs = String(Math.round(msg.ms));
        root.dataset.engineStages = JSON.stringify(msg.stages); // ms since start, per stage
        if (pending !== null) {
          const json = pending;
          pending = null;
          run(json);
        } else {
          setState("ready");
        }
      } else if (msg.type === "result") {
        if (msg.id === seq) {
          root.dataset.evalMs = String(msg.ms.toFixed(1));
          show(JSON.parse(msg.out));
        }
      } else if (msg.type === "failed") {
        statusText.textContent = `The engine could not run in this browser: ${msg.message}`;
        setState("error");
      }
    };
    worker.onerror = (e) => {
      statusText.textContent = `The engine could not start: ${e.message || "worker error"}`;
      setState("error");
    };
    worker.postMessage({ type: "init", base });
  };

  /* ---------------------------------------------------------------- wiring */
  form.addEventListener("change", fromForm);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    fromForm();
  });
  document.getElementById("nav-add-line").addEventListener("click", () => {
    const li = addLine(undefined);
    li.querySelector("[data-key]").focus();
    fromForm();
  });
  lineList.addEventListener("click", (e) => {
    const btn = e.target.closest(".h2g-nav-remove");
    if (!btn) return;
    btn.closest("li").remove();
    renumber();
    fromForm();
    document.getElementById("nav-add-line").focus();
  });
  document.getElementById("nav-copy-yaml").addEventListener("click", async () => {
    const note = document.getElementById("nav-copy-note");
    const text = lastYaml || "";
    try {
      await navigator.clipboard.writeText(text);
      note.textContent = "Copied. Save it as a .yaml file and run: her2guide recommend FILE";
    } catch (e) {
      note.textContent = "Copying is blocked here: the YAML is shown below; select it and copy.";
    }
    yamlBox.closest("details").open = true;
  });
  document.getElementById("nav-print").addEventListener("click", () => window.print());
  document.getElementById("nav-clear").addEventListener("click", () => {
    fillForm({ as_of: today() });
    history.replaceState(null, "", location.pathname + location.search);
    clearProblems();
    report.replaceChildren();
    jsonBox.textContent = "";
    if (ready) setState("ready");
  });
  window.addEventListener("hashchange", fromFragment);

  setState("loading");
  if (!fromFragment()) fillForm({ as_of: today() });
  startWorker();
})();
