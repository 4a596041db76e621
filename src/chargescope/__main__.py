"""Allow `python -m chargescope`."""

from chargescope.cli import main

main()
