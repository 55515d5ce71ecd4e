"""What every dashboard page shares: paging, a part of a page for live.js,
bodies made readable."""
import json
from datetime import datetime, timezone

from flask import render_template, request


def page_of(given, name="page"):
    """The page number asked for (1 and up); a bad one is the first."""
    text = given.get(name, "1")
    return max(1, int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else 1


def pages_of(total, size):
    return max(1, -(-total // size))


def paged(items, page, size):
    """(the rows of the page, the number of pages)."""
    return items[(page - 1) * size:page * size], pages_of(len(items), size)


def fragment_or_page(template, fragments, **values):
    """The page, or the one part of it the page's script asks for (X-Fragment
    names it: live.js keeps such parts up to date)."""
    wanted = fragments.get(request.headers.get("X-Fragment", ""))
    return render_template(wanted or template, **values)


def pretty(text):
    """A body as a person reads it: JSON indented; anything else as sent."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def when(seconds):
    """A time of the server's clock, as a person reads it (UTC)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
