"""``python -m sillok`` runs the command line."""

from sillok.cli import main

main()
