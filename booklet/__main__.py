"""`python -m booklet …` runs the command line, as the `booklet` console script does."""

from booklet.cli import main

main()
