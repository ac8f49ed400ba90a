// booklet serve: follows rebuilds, shows manuscript errors and the PDF's status.
(() => {
  const build = document.currentScript.dataset.build;
  let source = null;
  const bar = document.createElement("div");
  bar.id = "booklet-live";
  bar.setAttribute("role", "status");
  const pdf = document.createElement("a");
  pdf.href = "/__booklet/pdf";
  pdf.id = "booklet-live-pdf";
  bar.append(pdf);
  const panel = document.createElement("section");
  panel.id = "booklet-errors";
  panel.setAttribute("role", "alert");
  panel.setAttribute("aria-labelledby", "booklet-errors-title");
  panel.hidden = true;
  const heading = document.createElement("h2");
  heading.id = "booklet-errors-title";
  const list = document.createElement("ul");
  panel.append(heading, list);
  function show(state) {
    const words = {none: "PDF", building: "PDF: building…", ready: "PDF: ready", failed: "PDF: failed"};
    pdf.textContent = words[state.pdf] || "PDF";
    pdf.title = state.pdf_message || "";
    pdf.dataset.status = state.pdf;
    list.replaceChildren(...state.errors.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    heading.textContent = state.errors.length === 1
      ? "The manuscript has an error; this page shows the last good build."
      : `The manuscript has ${state.errors.length} errors; this page shows the last good build.`;
    panel.hidden = state.errors.length === 0;
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
  document.body.append(panel, bar);
  connect();
})();
