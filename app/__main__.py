"""python -m schoology_mock: the same as the schoology-mock command."""
import sys

from .serving.cli import main

sys.exit(main())
