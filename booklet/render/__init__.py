"""Stage 2: a frozen `Book` in, files out. Every medium is a module here with one contract,

    render(book: Book, out_dir: Path) -> list[Output]

that writes its files into `out_dir` and returns what it made (`model.Output`), reading nothing
but the `Book` and the engine's own templates and styles. Media differ by templates
(`templates/<medium>/`) and stylesheets (`styles/<medium>.css`), not by parallel Python paths;
`layout.py` is the one boundary with WeasyPrint. The builder's `MEDIA` table names each renderer.
"""
