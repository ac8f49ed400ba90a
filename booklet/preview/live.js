// booklet serve: follows rebuilds, shows manuscript errors and warnings and the PDF's status,
// in the words of the page's edition (data-words, from the book's labels).
(() => {
  const script = document.currentScript;
  const build = script.dataset.build;
  const words = Object.assign({
    "pdf": "PDF", "pdf-building": "PDF: building…", "pdf-ready": "PDF: ready",
    "pdf-failed": "PDF: failed",
    "errors-one": "The manuscript has an error; this page shows the last good build.",
    "errors": "The manuscript has {count} errors; this page shows the last good build.",
    "warnings-one": "1 warning", "warnings": "{count} warnings",
  }, JSON.parse(script.dataset.words || "{}"));
  const counted = (key, count) =>
    (count === 1 ? words[key + "-one"] : words[key]).replace("{count}", String(count));
  let source = null;
  // One strip at the top of the page, in the flow: it pushes the page down instead of covering
  // its heading (a fixed box covered it at 390 px).
  const strip = document.createElement("aside");
  strip.id = "booklet-live";
  strip.setAttribute("aria-label", "booklet serve");
  const bar = document.createElement("div");
  bar.id = "booklet-live-bar";
  bar.setAttribute("role", "status");
  const pdf = document.createElement("a");
  pdf.href = "/__booklet/pdf";
  pdf.id = "booklet-live-pdf";
  const notes = document.createElement("details");
  notes.id = "booklet-warnings";
  const summary = document.createElement("summary");
  const noteList = document.createElement("ul");
  notes.append(summary, noteList);
  bar.append(pdf, notes);
  const panel = document.createElement("section");
  panel.id = "booklet-errors";
  panel.setAttribute("role", "alert");
  panel.setAttribute("aria-labelledby", "booklet-errors-title");
  panel.hidden = true;
  const heading = document.createElement("h2");
  heading.id = "booklet-errors-title";
  const list = document.createElement("ul");
  panel.append(heading, list);
  strip.append(panel, bar);
  const items = (lines) => lines.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  });
  function show(state) {
    pdf.textContent = words[state.pdf === "none" ? "pdf" : "pdf-" + state.pdf] || words.pdf;
    pdf.title = state.pdf_message || "";
    pdf.dataset.status = state.pdf;
    list.replaceChildren(...items(state.errors));
    heading.textContent = counted("errors", state.errors.length);
    panel.hidden = state.errors.length === 0;
    const warnings = state.warnings || [];
    noteList.replaceChildren(...items(warnings));
    summary.textContent = counted("warnings", warnings.length);
    notes.hidden = warnings.length === 0;
  }
  function connect() {
    source = new EventSource("/__booklet/events");
    source.addEventListener("state", (event) => {
      const state = JSON.parse(event.data);
      if (String(state.build) !== build && state.build > 0 && state.errors.length === 0) {
        location.reload();
        return;
      }
      show(state);
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && source) { source.close(); source = null; }
    else if (!document.hidden && !source) connect();
  });
  document.body.prepend(strip);
  connect();
})();
