"""python -m schoology_mock: the same as the schoology-mock command."""
import sys

from .cli import main

sys.exit(main())
