"""Times as Canvas reads them (Time.zone.parse, with the account in UTC):
ISO 8601, a date alone, RFC 2822, or what JavaScript's Date#toString writes
("Thu Dec 21 2017 00:00:00 GMT-0700 (MST)"). Out: UTC text, or None."""
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from ..store.records import time_text

_JS = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})(?: \(.*\))?$")


def parse_time(value):
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    when = None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _JS.match(text)
        try:
            if match:
                when = datetime.strptime(" ".join(match.groups()), "%b %d %Y %H:%M:%S %z")
            else:
                when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        return time_text(when)
    except OverflowError:  # past the year 9999 in UTC
        return None
