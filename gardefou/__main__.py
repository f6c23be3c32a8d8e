"""`python -m gardefou` runs the command line."""

from gardefou.cli import main

raise SystemExit(main())
