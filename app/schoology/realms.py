"""The realms that hold enrollments: sections and groups. One set of views
serves both (enrollments.py, bulk.py), each bound to its realm by the route
table (routes.py)."""
from collections import namedtuple

Realm = namedtuple("Realm", "name plural")
REALMS = (Realm("section", "sections"), Realm("group", "groups"))
REALM = {realm.name: realm for realm in REALMS}  # "section" -> Realm
