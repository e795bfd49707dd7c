"""`python -m carecycle` runs the command line."""

from carecycle.cli import main

main()
