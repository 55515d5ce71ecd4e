"""What the roster endpoints read: users in uid order a page at a time, who
shares a realm with whom, and each realm's access code. Mixed into Store;
knows nothing of HTTP."""
class RosterReads:
    def _user_order(self):
        """Every uid, ascending (users are added only with the fixtures)."""
        if len(self.user_order) != len(self.users):
            self.user_order = sorted(self.users)
        return self.user_order

    def users_page(self, start, limit, *, role_ids=None, school_uids=None, building_id=None,
                   among=None):
        """(total, [User]) for one page in uid order. Without filters, the
        page is sliced from the ordered uids: its cost does not grow with the
        school. among: the only uids the caller may see (None: all)."""
        with self.lock:
            order = self._user_order()
            if role_ids is None and school_uids is None and building_id is None \
                    and among is None:
                return len(order), [self.users[u] for u in order[start:start + limit]]
            if school_uids is not None:
                uids = sorted({self.uid_by_school_uid[s] for s in school_uids
                               if s in self.uid_by_school_uid})
            elif among is not None:
                uids = sorted(among)
            else:
                uids = order
            users = [self.users[u] for u in uids
                     if (among is None or u in among)
                     and (role_ids is None or self.users[u].role_id in role_ids)
                     and (building_id is None or self.users[u].building_id == building_id)]
            return len(users), users[start:start + limit]

    def realms_of(self, uid):
        """{(realm, realm_id)} the user holds a live enrollment in."""
        with self.lock:
            return {(e.realm, e.realm_id) for e in map(self.enrollments.__getitem__,
                                                        self.user_ids(uid))
                    if e.visible}

    def members_of_realms(self, realms):
        """The uids holding a live enrollment in any of those realms."""
        with self.lock:
            enrollments = self.enrollments
            return {enrollments[i].uid for key in realms for i in self.realms[key].all}

    def access_code_of(self, realm, realm_id):
        code = self.access_codes.get((realm, realm_id))
        return code.code if code else ""

    def courses_page(self, start, limit, building_id=None):
        with self.lock:
            ids = sorted(c for c in self.courses
                         if building_id is None or self.courses[c].building_id == building_id)
            return len(ids), [self.courses[c] for c in ids[start:start + limit]]

    def groups_page(self, start, limit, among=None, building_id=None):
        with self.lock:
            ids = sorted(g for g in self.groups if (among is None or g in among)
                         and (building_id is None or self.groups[g].building_id == building_id))
            return len(ids), [self.groups[g] for g in ids[start:start + limit]]
