"""``python -m collabatlas`` runs the CLI."""

from collabatlas.cli import main

main()
