"""What a person browsing the school reads (the dashboard at /_mock/): a page
at a time. Mixed into Store; knows nothing of HTTP.

The lock is held for a page's worth of work. The one walk, a search of a
realm by name, runs outside it, over a copy of the realm's ids: published
records never change (store.py), so reading them unlocked is safe, and the
API's writers are never held up behind a person's search of a large realm."""


class Browse:
    def totals(self):
        with self.lock:
            return {"users": len(self.users), "courses": len(self.courses),
                    "sections": len(self.sections), "groups": len(self.groups),
                    "enrollments": len(self.enrollments)}

    def sections_page(self, start, limit):
        """(total, rows start..start+limit) of every course's sections, in
        course then section id order, each row (Course, Section, its
        enrollments as Schoology lists them); a course without sections is
        one row (Course, None, 0). A page of rows, not of courses: a course
        of a thousand sections is not one page."""
        with self.lock:
            order = self._school_order()
            return len(order), [
                (self.courses[c], None, 0) if s is None
                else (self.courses[c], self.sections[s], len(self.realms[("section", s)]))
                for c, s in order[start:start + limit]]

    def _school_order(self):
        """[(course id, section id or None)], made again only when the
        fixtures change what there is (courses and sections come only with
        them), as roster.py's user order."""
        size = (len(self.courses), len(self.sections))
        kept = self.school_order
        if kept is None or kept[0] != size:
            of = self.sections_of_course
            kept = self.school_order = (size, [
                (c, s) for c in sorted(self.courses) for s in of.get(c) or (None,)])
        return kept[1]

    def groups_counted(self, groups):
        with self.lock:
            return [(g, len(self.realms[("group", g.id)])) for g in groups]

    def realm_page(self, realm, realm_id, query, start, limit):
        """(the Section or Group, total, [(Enrollment, User or None)]) for
        rows start..start+limit of the realm's enrollments, in id order, or
        of those of users matching query: a uid or a school uid, exactly, or
        a part of their name, in any case. None: there is no such realm."""
        with self.lock:
            found = (self.sections if realm == "section" else self.groups).get(realm_id)
            if found is None:
                return None
            index = self.realms[(realm, realm_id)]
            if not query:
                total, ids = index.page(None, start, limit)
                return found, total, self._rows(ids)
            exact = self._exact_matches(index, query)
            walk = None if query.isdigit() else list(index.all)
        ids = exact if walk is None else self._named(walk, query.lower(), exact)
        with self.lock:
            return found, len(ids), self._rows(ids[start:start + limit])

    def _exact_matches(self, index, query):
        uids = {self.uid_by_school_uid.get(query)}
        if query.isdigit() and len(query) < 20:
            uids.add(int(query))
        uids.discard(None)
        return sorted(i for uid in uids for i in index.of(uid))

    def _named(self, ids, wanted, exact):
        """Those of ids whose user's name holds wanted, or that are in exact,
        ascending. Unlocked (see above): an enrollment deleted meanwhile is
        left out."""
        enrollments, users, exact = self.enrollments, self.users, set(exact)
        found = []
        for i in ids:
            enrollment = enrollments.get(i)
            if enrollment is None:
                continue
            user = users.get(enrollment.uid)
            if i in exact or (user is not None and wanted in user.name_display.lower()):
                found.append(i)
        return found

    def _rows(self, ids):
        enrollments, users = self.enrollments, self.users
        return [(enrollments[i], users.get(enrollments[i].uid)) for i in ids
                if i in enrollments]
