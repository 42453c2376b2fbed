// The rules editor's try-it box: explain the message as it is typed (the form still works without this).
"use strict";
(function () {
  const box = document.getElementById("try-text");
  const out = document.getElementById("try-out");
  if (!box || !out) return;
  let timer = null;
  let asked = 0;

  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function draw(e) {
    const rows = e.lines.map((l) => {
      const tr = document.createElement("tr");
      const words = l.matched.join(" ") + (l.excluded_by ? `（被「${l.excluded_by}」排除）` : "");
      tr.append(cell("td", l.name), cell("td", String(l.score)), cell("td", words));
      return tr;
    });
    const table = document.createElement("table");
    const head = document.createElement("tr");
    head.append(cell("th", "分类"), cell("th", "得分"), cell("th", "命中的词"));
    table.append(head, ...rows);
    const result = cell("p", "结果：");
    const winner = cell("b", e.winner_name);
    winner.className = "winner";
    result.append(winner);
    if (e.urgent) result.append(` · 紧急（${e.urgent_words.join("、")}）`);
    const why = cell("p", e.why);
    why.className = "hint";
    out.replaceChildren(cell("p", "分词：" + e.tokens.join(" / ")), table, result, why);
  }

  async function ask() {
    const text = box.value.trim();
    if (!text) { out.replaceChildren(); return; }
    const mine = ++asked;
    const resp = await fetch("/admin/rules/try", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": document.getElementById("tryit").dataset.csrf},
      body: JSON.stringify({text}),
    });
    if (resp.ok && mine === asked) draw(await resp.json());
  }

  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 250); });
})();
