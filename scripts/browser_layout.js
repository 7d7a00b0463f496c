// Injected by scripts/browser_check.sh into a copy of a report (the report
// itself has no script): measures the page as the browser laid it out at the
// window's width and writes what is wrong into <pre id="bc-result">.
addEventListener("load", () => {
  const faults = [];
  const box = (e) => e.getBoundingClientRect();
  const overlap = (a, b) =>
    a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const charts = document.querySelectorAll("svg.chart");
  if (charts.length === 0) faults.push("no chart");
  charts.forEach((svg, c) => {
    const b = box(svg);
    if (b.width < 100 || b.height < 100) faults.push(`chart ${c} is ${b.width}x${b.height}`);
    if (svg.querySelectorAll("path.band").length === 0) faults.push(`chart ${c} has no bands`);
    // Every text of the chart against every other: none may overlap.
    const texts = [...svg.querySelectorAll("text")].map((t) => [t.textContent, box(t)]);
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (overlap(texts[i][1], texts[j][1]))
          faults.push(`chart ${c}: "${texts[i][0]}" overlaps "${texts[j][0]}"`);
    // A dominant-shift line crosses no label but its own.
    const lines = [...svg.querySelectorAll("g.shift line")].map(box);
    svg.querySelectorAll("g.shift").forEach((g, k) => {
      const t = box(g.querySelector("text"));
      lines.forEach((l, m) => {
        if (m !== k && l.left > t.left && l.left < t.right && l.top < t.bottom && l.bottom > t.top)
          faults.push(`chart ${c}: a dashed line crosses "${g.textContent}"`);
      });
    });
    // Every chapter has its band (its title is among the texts checked above).
    const chapters = svg.querySelectorAll("g.chapter rect");
    chapters.forEach((r) => {
      if (box(r).width <= 0) faults.push(`chart ${c}: a chapter band of no width`);
    });
    texts.forEach(([s, t]) => {
      if (t.left < b.left - 0.5 || t.right > b.right + 0.5) faults.push(`chart ${c}: "${s}" clipped`);
    });
  });
  // Nothing wider than the window, no cell whose text overflows it.
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth + 1) faults.push(`page is ${doc.scrollWidth}px wide in a ${innerWidth}px window`);
  document.querySelectorAll("td, th").forEach((cell) => {
    if (cell.scrollWidth > cell.clientWidth + 1) faults.push(`cell "${cell.textContent.slice(0, 40)}" overflows`);
    if (box(cell).right > innerWidth + 1) faults.push(`cell "${cell.textContent.slice(0, 40)}" clipped at the window's edge`);
  });
  // No word of a heat-table cell broken across two lines ("OpenTelemetr / y").
  document.querySelectorAll("table.heat td.term").forEach((cell) => {
    const text = cell.firstChild && cell.firstChild.nodeType === Node.TEXT_NODE ? cell.firstChild : null;
    if (!text) return;
    const re = /\S+/g;
    let m;
    while ((m = re.exec(text.data))) {
      const range = document.createRange();
      range.setStart(text, m.index);
      range.setEnd(text, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) faults.push(`heat cell "${cell.textContent.slice(0, 40)}" breaks the word "${m[0]}"`);
    }
  });
  const pre = document.createElement("pre");
  pre.id = "bc-result";
  pre.textContent =
    "\nBC-RESULT-BEGIN\n" + (faults.length ? faults.slice(0, 50).join("\n") : "OK") + "\nBC-RESULT-END\n";
  document.body.appendChild(pre);
});
