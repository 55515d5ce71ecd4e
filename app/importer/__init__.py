"""`schoology-mock import`: a school read through the real APIs (Schoology's
or Canvas's) and written as a fixture file the mock loads, anonymised unless
asked not to be.

client.py speaks HTTP (signing, pacing, retries); schoology.py and canvas.py
walk each API's lists and map what they read onto fixture records;
anonymise.py replaces who people are; parts.py keeps what was read on disk
as it comes, so an import resumes where it stopped, and writes the fixture
from it; progress.py tells how far it is."""
