"""`python -m nncourse` runs the same command line as `nncourse`."""

from nncourse.cli import main

raise SystemExit(main())
