"""Canvas's pagination. per_page defaults to 10 and is held to 1..100, as
Api.per_page_for reads it: per_page.to_i.clamp(1, 100), so 0 or "abc" is 1. The
enrollment lists page by bookmark, as Canvas's do: page=first, then
page=bookmark:<the sort key of the last row seen>, so a walk through a list
that changes meanwhile still meets each row at most once. A numeric page
(page=2) is taken as well. Every list answers a Link header with current,
next (while there is more), first and last, each the request's own URL on
the scheme and host it came in on, with the caller's other parameters."""
import base64
import json
from bisect import bisect_right
from functools import lru_cache
from urllib.parse import urlencode

from flask import request

from .ids import number
from .params import query_pairs, to_i
from .render import host

PER_PAGE, MAX_PER_PAGE = 10, 100
DROPPED = ("page", "per_page", "access_token", "api_key")


def per_page(value):
    """The page size for per_page as given (None: not given; a list or a hash,
    which Canvas cannot read as a number, is passed over too)."""
    if value is None or isinstance(value, (list, dict)):
        return PER_PAGE
    return max(1, min(to_i(value), MAX_PER_PAGE))


@lru_cache(maxsize=4096)
def bookmark(key):
    text = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False)
    return "bookmark:" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def from_bookmark(page):
    """The sort key a bookmark holds, or None for one that is not ours (Canvas
    starts such a walk at the beginning)."""
    try:
        text = page[len("bookmark:"):]
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, RecursionError):  # not base64, not JSON, or nested past reading
        return None
    # Texts, then an id: (type, sortable name, id), or (type, start, end, id).
    if (isinstance(key, list) and len(key) in (3, 4) and all(isinstance(k, str) for k in key[:-1])
            and isinstance(key[-1], int) and not isinstance(key[-1], bool)):
        return tuple(key)
    return None


def numbered(page):
    """Whether page (text) is a page number: 1 and up, in ASCII digits."""
    return page.isascii() and page.isdigit() and bool(page.strip("0"))


def paginate(rows, keys, page, size):
    """(the rows of this page, Link header). rows are sorted by keys (one
    sort key per row)."""
    page = page if isinstance(page, str) else "first"
    if numbered(page):
        # A number too long to read is past any end, as a long one is.
        start = (number(page) - 1) * size if number(page) is not None else len(rows)
        current = page
    else:
        key = from_bookmark(page) if page.startswith("bookmark:") else None
        if key is not None and keys and len(key) != len(keys[0]):
            key = None  # a bookmark of another list's order
        start = 0 if key is None else bisect_right(keys, key)
        current = "first" if key is None else bookmark(key)
    shown = rows[start:start + size]
    links = {"current": current}
    if start + size < len(rows):
        links["next"] = bookmark(keys[start + size - 1])
    links["first"] = "first"
    last_start = max(0, (len(rows) - 1) // size * size)
    links["last"] = bookmark(keys[last_start - 1]) if last_start else "first"
    return shown, link_header(links, size)


def paginate_numbered(rows, page, size, last=True):
    """Api.paginate's numbered pages, as Canvas pages a plain list (a
    course's sections): (this page's rows, the Link header with current,
    next, prev, first and last). last=False: a list Canvas pages with no
    total (total_entries: nil), so with no last link."""
    count = len(rows)
    last_page = max(1, -(-count // size))
    pages = paginate_pages(page, last_page)
    at = pages["current"] if isinstance(pages["current"], int) else last_page + 1
    if not last:
        del pages["last"]
    return rows[(at - 1) * size:at * size], link_header(
        {rel: str(n) for rel, n in pages.items()}, size)


def numbered_page(rows, given, last=True):
    """(this page's rows, {"Link": ...}) of rows as page and per_page in the
    parameters given ask, numbered as paginate_numbered numbers them."""
    shown, links = paginate_numbered(rows, given.get("page"), per_page(given.get("per_page")),
                                     last=last)
    return shown, {"Link": links}


def paginate_pages(page, last):
    """The numbered links of page (as given) of a list of last pages."""
    given = page if isinstance(page, str) and numbered(page) else "1"
    at = number(given)
    at = last + 1 if at is None else at  # more digits than a number holds: past the end
    links = {"current": given if number(given) is None else at}
    if at < last:
        links["next"] = at + 1
    if at > 1:
        links["prev"] = at - 1
    links.update(first=1, last=last)
    return links


def link_header(links, size):
    kept = [(k, v) for k, v in query_pairs() if k not in DROPPED]
    url = f"{host()}{request.path}?" + (urlencode(kept) + "&" if kept else "")
    # A page is "first", a number or "bookmark:" and URL-safe base64: nothing to escape.
    return ",".join(f'<{url}page={page}&per_page={size}>; rel="{rel}"'
                    for rel, page in links.items())
