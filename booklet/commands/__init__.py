"""One module per subcommand (`build`, `check`, `new`, `serve`), each `run(...) -> exit status`;
`cli.py` only declares their options."""
