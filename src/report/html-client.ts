/**
 * The HTML report's own script and style, inlined into the page: no network, no dependency.
 * The script lays out a squarified treemap (Bruls, Huizing and van Wijk, 2000) of each
 * function's groups, then of each group's files, in the container's pixels, and lays it out
 * again when the metric switch or the window size changes. Data comes from the page's
 * `<script type="application/json" id="slimfn-data">`; every label and figure was formatted at
 * build time, so the script does no number formatting of its own.
 */

export const CLIENT_STYLE = `
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:16px 20px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 2px}
.sub,.figures{color:#57606a;margin:0 0 6px}
.controls{display:flex;flex-wrap:wrap;gap:16px;align-items:center;margin:10px 0}
.controls fieldset{border:1px solid #d0d7de;border-radius:6px;padding:4px 10px;margin:0}
.legend{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;color:#57606a}
.legend span::before{content:"";display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border-radius:2px;background:var(--c)}
.treemap{position:relative;width:100%;height:460px;border:1px solid #d0d7de;border-radius:6px;overflow:hidden;background:#f6f8fa}
.group,.leaf{position:absolute;overflow:hidden}
.group{border:1px solid rgba(0,0,0,.35);background:var(--c)}
.group>.title{position:absolute;left:3px;right:3px;top:1px;font-size:12px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#111}
.leaf{border:1px solid rgba(255,255,255,.75);background:rgba(255,255,255,.18);font-size:11px;padding:1px 3px;color:#111;white-space:nowrap;text-overflow:ellipsis}
.leaf:hover{background:rgba(255,255,255,.45)}
.group.lazy{--c:#7ee0c8;background-image:repeating-linear-gradient(45deg,rgba(255,255,255,.35) 0 6px,transparent 6px 12px)}
.group.grew{outline:3px solid #cf222e;outline-offset:-3px}
.group.shrank{outline:3px solid #1a7f37;outline-offset:-3px}
.badge{font-weight:700;margin-left:4px}.grew .badge{color:#a40e26}.shrank .badge{color:#116329}
table{border-collapse:collapse;margin:6px 0;font-size:13px}td,th{padding:2px 8px;border-bottom:1px solid #eaeef2;text-align:left}td.n,th.n{text-align:right}
details{margin:6px 0}
.k-own{--c:#79c0ff}.k-package{--c:#ffb870}.k-shipped{--c:#d2a8ff}.k-included{--c:#a5d6a7}.k-glue{--c:#d0d7de}.k-other{--c:#e6e6e6}
.removed{color:#57606a}
`;

export const CLIENT_SCRIPT = `(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("slimfn-data").textContent);
  var metric = "zipBytes";

  function worst(row, side) {
    var sum = 0, max = -Infinity, min = Infinity;
    for (var i = 0; i < row.length; i++) { sum += row[i].area; if (row[i].area > max) max = row[i].area; if (row[i].area < min) min = row[i].area; }
    var s2 = side * side, sum2 = sum * sum;
    return Math.max((s2 * max) / sum2, sum2 / (s2 * min));
  }

  // Squarified layout of items (value > 0) in the rectangle; returns [{ item, x, y, w, h }].
  function squarify(items, x, y, w, h) {
    var total = 0;
    for (var i = 0; i < items.length; i++) total += items[i].value;
    var out = [];
    if (total <= 0 || w <= 0 || h <= 0) return out;
    var scale = (w * h) / total;
    var rest = items.map(function (it) { return { item: it, area: it.value * scale }; });
    while (rest.length) {
      var side = Math.min(w, h);
      var row = [rest[0]];
      var n = 1;
      while (n < rest.length && worst(row.concat([rest[n]]), side) <= worst(row, side)) { row.push(rest[n]); n++; }
      var rowArea = 0;
      for (var j = 0; j < row.length; j++) rowArea += row[j].area;
      if (w >= h) {
        var cw = rowArea / h, cy = y;
        for (var k = 0; k < row.length; k++) { var rh = row[k].area / cw; out.push({ item: row[k].item, x: x, y: cy, w: cw, h: rh }); cy += rh; }
        x += cw; w -= cw;
      } else {
        var ch = rowArea / w, cx = x;
        for (var m = 0; m < row.length; m++) { var rw = row[m].area / ch; out.push({ item: row[m].item, x: cx, y: y, w: rw, h: ch }); cx += rw; }
        y += ch; h -= ch;
      }
      rest = rest.slice(n);
    }
    return out;
  }

  // Largest first (then by label) so the layout is the same on every run.
  function ordered(list, key) {
    return list
      .map(function (o) { return { value: o[metric], o: o, key: o[key] }; })
      .filter(function (it) { return it.value > 0; })
      .sort(function (a, b) { return b.value - a.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0); });
  }

  function place(el, r) {
    el.style.left = r.x + "px"; el.style.top = r.y + "px";
    el.style.width = r.w + "px"; el.style.height = r.h + "px";
  }

  function render(box) {
    var fn = data.functions[Number(box.getAttribute("data-index"))];
    box.textContent = "";
    var W = box.clientWidth, H = box.clientHeight;
    var groups = squarify(ordered(fn.groups, "label"), 0, 0, W, H);
    groups.forEach(function (r) {
      var g = r.item.o;
      var el = document.createElement("div");
      el.className = "group k-" + g.kind + (g.lazy ? " lazy" : "") + (g.growth ? " " + g.growth : "");
      el.setAttribute("data-label", g.label);
      el.setAttribute("data-kind", g.kind);
      el.setAttribute("data-value", String(g[metric]));
      el.title = g.title;
      place(el, r);
      var title = document.createElement("div");
      title.className = "title";
      title.textContent = g.label + " " + g.text[metric];
      if (g.badge) { var b = document.createElement("span"); b.className = "badge"; b.textContent = g.badge; title.appendChild(b); }
      el.appendChild(title);
      // Room for a title strip, then the group's files inside it.
      var top = r.h > 36 && r.w > 30 ? 17 : 0;
      var pad = r.w > 12 && r.h > 12 ? 2 : 0;
      var leaves = squarify(ordered(g.leaves, "path"), pad, top + pad, r.w - 2 * pad - 2, r.h - top - 2 * pad - 2);
      leaves.forEach(function (lr) {
        var l = lr.item.o;
        var le = document.createElement("div");
        le.className = "leaf";
        le.setAttribute("data-path", l.path);
        le.setAttribute("data-value", String(l[metric]));
        le.title = g.label + " in " + l.path + ": " + l.text[metric];
        place(le, lr);
        if (top && lr.w > 60 && lr.h > 14) le.textContent = l.path + " " + l.text[metric];
        el.appendChild(le);
      });
      box.appendChild(el);
    });
  }

  function renderAll() {
    document.querySelectorAll(".treemap").forEach(render);
  }

  document.querySelectorAll('input[name="metric"]').forEach(function (input) {
    input.addEventListener("change", function () {
      if (!input.checked) return;
      metric = input.value;
      document.body.setAttribute("data-metric", metric);
      renderAll();
    });
  });
  var pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(renderAll);
  });
  document.body.setAttribute("data-metric", metric);
  renderAll();
  document.body.setAttribute("data-ready", "true");
})();
`;
