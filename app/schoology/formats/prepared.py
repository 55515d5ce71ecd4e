"""Prepared: a part of an answer whose encodings are made once and kept.

A row built from the store's records renders to the same bytes every time (the
records are never changed in place, only replaced), so the writers keep what
they wrote for it. Encoding a page of 20 fresh rows costs more than the rest of
a list request together; joining 20 kept ones costs almost nothing."""


class Prepared:
    __slots__ = ("data", "json", "xml")

    def __init__(self, data):
        self.data = data
        self.json = None  # str, once written
        self.xml = {}  # (element name, indent) -> str
