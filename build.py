"""Thin entry point: `python build.py [--manuscript DIR] [--out DIR]` builds every publication."""

from booklet.cli import main

if __name__ == "__main__":
    main()
