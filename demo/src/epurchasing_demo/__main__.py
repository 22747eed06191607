"""``python -m epurchasing_demo``: the same as the ``epurchasing-demo`` console script."""

from epurchasing_demo.cli import main

main()
