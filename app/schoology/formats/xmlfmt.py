"""XML as Schoology writes and reads it.

Out: an XML declaration, then everything under <result>; a list repeats its
singular element, empty strings and nulls become <x />, two-space indents.
In: any root element (Schoology ignores its name), leaves become strings,
repeated siblings become lists; DTDs and entities are refused.
"""
import re
import threading

from lxml import etree

from .prepared import Prepared

DECLARATION = '<?xml version="1.0" encoding="utf-8" ?>\n'


# What XML 1.0 cannot carry at all, even escaped: most control characters,
# lone surrogates, U+FFFE and U+FFFF. A value holding one (a client sent it)
# is written with U+FFFD in its place.
_UNWRITABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(text):
    if _UNWRITABLE.search(text):
        text = _UNWRITABLE.sub("\ufffd", text)
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _write(out, name, value, pad):
    if isinstance(value, Prepared):
        text = value.xml.get((name, pad))
        if text is None:
            part = []
            _write(part, name, value.data, pad)
            text = value.xml[(name, pad)] = "".join(part)
        out.append(text)
    elif isinstance(value, dict):
        out.append(f"{pad}<{name}>\n")
        inner = pad + "  "
        for key, item in value.items():
            _write(out, key, item, inner)
        out.append(f"{pad}</{name}>\n")
    elif isinstance(value, list):
        for item in value:
            _write(out, name, item, pad)
    elif value is None or value == "":
        out.append(f"{pad}<{name} />\n")
    elif isinstance(value, str):
        out.append(f"{pad}<{name}>{_escape(value)}</{name}>\n")
    else:
        out.append(f"{pad}<{name}>{value}</{name}>\n")


def dumps(data, root="result"):
    out = [DECLARATION]
    if isinstance(data, dict):
        _write(out, root, data, "")
    else:
        # A bare message (a 400's error string) is the text of the root.
        out.append(f"<{root}>{_escape(str(data))}</{root}>\n")
    return "".join(out).encode("utf-8")


class XMLError(ValueError):
    pass


_local = threading.local()  # lxml parsers must not be shared between threads


def _parser():
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False,
            remove_comments=True, remove_pis=True, huge_tree=False)
    return parser


def loads(body):
    """The document's root as a dict (or a string, for a root with no children)."""
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError) as e:
        raise XMLError(f"malformed XML: {e}") from None
    if root.getroottree().docinfo.doctype:
        raise XMLError("XML with a DOCTYPE is not accepted")
    return _value(root)


def _value(element):
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return (element.text or "").strip()
    result = {}
    for child in children:
        value = _value(child)
        if child.tag not in result:
            result[child.tag] = value
        elif isinstance(result[child.tag], list):
            result[child.tag].append(value)
        else:
            result[child.tag] = [result[child.tag], value]
    return result
