"""What every dashboard page shares: paging, a part of a page for live.js,
bodies made readable."""
import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from flask import render_template, request
from lxml import etree


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


def caller(identity):
    """Who sent a request, as the journal has it: the user, or for a
    refused request the key or token it claimed."""
    if not identity:
        return ""
    return str(identity["uid"] or identity["consumer_key"] or identity["token"] or "")


def pretty(text):
    """A body as a person reads it: JSON indented, XML indented, a form one
    field a line; anything else (a body cut at the journal's limit, JSON
    nested too deep to read) as sent."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        pass
    except RecursionError:  # nested deeper than this Python's json reads
        return text
    if text.startswith("<"):
        try:
            tree = etree.fromstring(text.encode(), _XML)
        except etree.XMLSyntaxError:
            return text
        return etree.tostring(tree, pretty_print=True, encoding="unicode")
    if text and not any(c.isspace() for c in text):
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            return text
        return "\n".join(f"{name} = {value}" for name, value in pairs)
    return text


# Bodies are what clients sent: read them as data only (no entities, no network).
_XML = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def when(seconds):
    """A time of the server's clock, as a person reads it (UTC)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
