"""Who people are, replaced: names, school uids, usernames, emails and
pictures. Ids, codes, titles, roles, statuses and counts stay as read.

Each person's stand-in is drawn from a generator seeded with the person's id
and the import's seed (a keyed hash of both), so the same person is the same
stand-in in every record and on every run with that seed, and nothing has to
be remembered between them. The names are Faker's: its weighted lists of
first names (by gender where the record gives one, or its title does) and
last names. A stand-in never shares a name with the person it stands for.

School uids are a bijection of the user's id (which is kept): each user
keeps one of their own, and none can be two users'. Emails are at
example.org (RFC 2606's: no mail can reach anyone)."""
import hashlib
import random
import re
from itertools import accumulate

from faker.providers.person.en_US import Provider as Names

from ..store.records import DEFAULT_PICTURE

DOMAIN = "example.org"
_UIDS = 10 ** 12  # school uids are 12 digits
_NOT_LOGIN = re.compile(r"[^a-z0-9]")
FEMALE_TITLES = {"mrs.", "ms.", "miss", "mrs", "ms"}
MALE_TITLES = {"mr.", "mr"}


def _weighted(names):
    return list(names), list(accumulate(names.values()))


_FIRST = {"F": _weighted(Names.first_names_female), "M": _weighted(Names.first_names_male),
          "": _weighted(Names.first_names)}
_LAST = _weighted(Names.last_names)


class Anonymiser:
    def __init__(self, seed):
        self.key = hashlib.sha256(f"schoology-mock import {seed}".encode()).digest()
        # the school uid bijection: x -> (a x + b) mod 10^12, a prime to 10^12
        draw = random.Random(self.key)
        self.a = draw.randrange(_UIDS // 10, _UIDS) | 1
        while self.a % 5 == 0:
            self.a += 2
        self.b = draw.randrange(_UIDS)

    def _random(self, uid):
        return random.Random(hashlib.blake2b(str(uid).encode(), key=self.key[:32],
                                             digest_size=16).digest())

    def user(self, user):
        """A fixture user (a dict in the fixture's fields) with a stand-in
        for who they are; the caller's dict is left as it was."""
        out = dict(user)
        draw = self._random(user["uid"])
        own = {str(user.get(k, "")).casefold() for k in
               ("name_first", "name_first_preferred", "name_middle", "name_last")} - {""}
        sex = user.get("gender") or _sex_of_title(user.get("name_title", ""))
        first = _name(draw, _FIRST.get(sex, _FIRST[""]), own)
        last = _name(draw, _LAST, own)
        out["name_first"], out["name_last"] = first, last
        if user.get("name_middle"):
            out["name_middle"] = _name(draw, _FIRST.get(sex, _FIRST[""]), own | {first.casefold()})
        if user.get("name_first_preferred"):
            out["name_first_preferred"] = _name(draw, _FIRST.get(sex, _FIRST[""]),
                                                own | {first.casefold()})
        out.pop("name_display", None)  # derived from the stand-in's names
        login = _NOT_LOGIN.sub("", (first[:1] + last).lower()) + str(draw.randrange(10, 10000))
        if user.get("username"):
            out["username"] = login
        if user.get("primary_email"):
            out["primary_email"] = f"{login}@{DOMAIN}"
        if user.get("school_uid"):
            out["school_uid"] = f"{(self.a * int(user['uid']) + self.b) % _UIDS:012d}"
        if "picture_url" in user:
            out["picture_url"] = DEFAULT_PICTURE
        out.pop("password", None)
        return out


def _sex_of_title(title):
    title = title.strip().casefold()
    return "F" if title in FEMALE_TITLES else "M" if title in MALE_TITLES else ""


def _name(draw, weighted, avoid):
    names, weights = weighted
    while True:
        name = draw.choices(names, cum_weights=weights)[0]
        if name.casefold() not in avoid:
            return name
