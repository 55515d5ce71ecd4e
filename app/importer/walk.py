"""Reading one list of the source to its end, page by page, each page kept
(parts.py) as soon as it is read; shared by both dialects' walks."""
import random
from types import SimpleNamespace

from marshmallow import ValidationError

from ..store.load import CHECKERS, _first_field
from ..store.fixtures import KINDS
from ..store.records import display_name
from ..store.quick import Unsure
from .client import ImportFailed, Refused

# a user's name fields, as a record holds them when a fixture leaves them out
NAMES = {"name_title": "", "name_title_show": 0, "name_first": "", "name_first_preferred": "",
         "name_middle": "", "name_middle_show": 0, "name_last": ""}


class Walk:
    """What each dialect's walk reads with: the client, the parts, the
    progress display and the anonymiser (None with --keep-names)."""

    def __init__(self, client, parts, progress, anonymiser):
        self.client, self.parts, self.progress = client, parts, progress
        self.anonymiser = anonymiser

    def read_list(self, key, url, page, required=False):
        """Read the list key from url to its end, unless an earlier run did.
        page(data, headers) -> (records: (kind, fixture dict) pairs, the next
        page's URL or None). A refused list (a 4xx) stops the import when it
        is required (the school's own lists: then the key cannot read the
        school); one realm's or course's list is reported and passed over (a
        record may go between listing it and reading its list)."""
        started, position = self.parts.position(key)
        if started and position is None:
            return
        url = position or url
        while url:
            try:
                data, headers = self.client.get(url)
            except Refused as e:
                if required:
                    raise ImportFailed(f"the source refused a list the import needs: {e}")
                self.progress.report(f"{key}: {e}; passed over")
                self.parts.page(key, [], None)
                return
            records, url = page(data, headers)
            kept = []
            for kind, record in records:
                if self.valid(kind, record, key):
                    kept.append((kind, record))
                    if kind != "buildings":  # told again by each user, course and group
                        self.progress.count(kind, 1)
            self.parts.page(key, kept, url)

    def read_lists(self, step, lists):
        """Read each (key, url, page) of lists as read_list does: a step of
        the import whose size is known, told to the progress display."""
        lists = list(lists)
        self.progress.begin(step, len(lists), sum(self.parts.position(key) == (True, None)
                                                  for key, _, _ in lists))
        for key, url, page in lists:
            self.read_list(key, url, page)
            self.progress.advance()

    def valid(self, kind, record, where):
        """Whether the fixture would take the record; if not, it is reported."""
        try:
            CHECKERS[kind](dict(record))
            return True
        except Unsure:
            pass
        except Exception:  # noqa: BLE001 (the schema says what is wrong)
            pass
        try:
            KINDS[kind].load(record)
            return True
        except ValidationError as e:
            field, message = _first_field(e.normalized_messages())
            self.progress.report(f"{where}: a record of {kind} ({_id(record)}) is not one the "
                                 f"mock can hold (field {field!r}: {message}); left out")
            return False

    def person(self, user):
        return user if self.anonymiser is None else self.anonymiser.user(user)


def derived_display(user):
    """The display name the mock derives from a fixture user's names (a
    dict), as it would for the record."""
    return display_name(SimpleNamespace(**dict(NAMES, **user)))


def sampled(ids, size, seed):
    """size of the ids, drawn with seed (the same on every run), in order."""
    ids = sorted(set(ids))
    return sorted(random.Random(seed).sample(ids, min(size, len(ids))))


def _id(record):
    return f"id {record.get('id', record.get('uid', '?'))}"
