"""What the roster endpoints read: users in uid order a page at a time, who
shares a realm with whom, and each realm's access code; and the courses and
sections made or changed after loading. Mixed into Store; knows nothing of
HTTP."""
from dataclasses import replace

from .errors import Conflict, Invalid, NotFound
from .index import RealmIndex
from .records import Course, Section


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

    def course_list(self):
        """Every course, as the school stands (courses may be made meanwhile)."""
        with self.lock:
            return list(self.courses.values())

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


class RosterWrites:
    """Courses and sections made and changed after loading (Schoology's
    roster writes); each is one step under the lock, and every index that
    names the record follows it. Mixed into Store."""

    def create_course(self, **given):
        with self.lock:
            self._check_course(Course(0, **given))  # a refused record takes no id
            course = Course(self.ids.issue("course"), **given)
            self.courses[course.id] = course
            self.generation += 1
            return course

    def update_course(self, course_id, **changes):
        with self.lock:
            old = self.courses.get(course_id)
            if old is None:
                raise NotFound(f"course {course_id} does not exist")
            new = replace(old, **changes)
            self._check_course(new)
            self.courses[course_id] = new
            if new.course_code != old.course_code:
                for sid in self.sections_of_course.get(course_id, ()):
                    section = self.sections[sid]
                    self._drop_code(old.course_code, section)
                    self.sections_by_code.setdefault((new.course_code, section.section_code),
                                                     []).append(sid)
            self.generation += 1
            return new

    def _check_course(self, course):
        held = course.course_code and next(  # "" only as loaded: never given here
            (c.id for c in self.courses.values()
             if c.course_code == course.course_code and c.id != course.id), None)
        if held:
            raise Conflict(f"course_code: {course.course_code!r} belongs to course {held}.")
        if course.building_id and course.building_id not in self.buildings:
            raise Invalid(f"no building {course.building_id}")
        if course.enrollment_term_id and course.enrollment_term_id not in self.grading_periods:
            raise Invalid(f"no grading period {course.enrollment_term_id}")

    def create_section(self, course_id, **given):
        with self.lock:
            if course_id not in self.courses:
                raise NotFound(f"course {course_id} does not exist")
            self._check_section(Section(0, course_id, **given))  # a refused one takes no id
            section = Section(self.ids.issue("section"), course_id, **given)
            self.sections[section.id] = section
            self.realms[("section", section.id)] = RealmIndex(self.by_user, self.enrollments)
            self.every[("section", section.id)] = []
            self._index_section(section)
            self.sections_of_course.setdefault(course_id, []).append(section.id)
            self.sections_of_course[course_id].sort()
            self.generation += 1
            return section

    def update_section(self, section_id, **changes):
        with self.lock:
            old = self.sections.get(section_id)
            if old is None:
                raise NotFound(f"section {section_id} does not exist")
            new = replace(old, **changes)
            self._check_section(new, set(changes))
            if old.section_school_code:
                del self.section_by_school_code[old.section_school_code]
            self._drop_code(self.courses[old.course_id].course_code, old)
            self.sections[section_id] = new
            self._index_section(new)
            self.generation += 1
            return new

    def _check_section(self, section, changed=None):
        """changed: the fields a change sets (None: a new section, all of them);
        a loaded section may lack codes or periods, but none is taken away."""
        if (changed is None or {"section_code", "section_school_code"} & changed) and not (
                section.section_code or section.section_school_code):
            raise Invalid("section_code or section_school_code: one is required.")
        if (changed is None or "grading_periods" in changed) and not section.grading_periods:
            raise Invalid("grading_periods: at least one is required.")
        code = section.section_school_code
        holder = self.section_by_school_code.get(code)
        if code and holder not in (None, section.id):
            raise Conflict(f"section_school_code {code!r} belongs to section {holder}")
        missing = [p for p in section.grading_periods if p not in self.grading_periods]
        if missing:
            raise Invalid(f"no grading period {missing[0]}")

    def _index_section(self, section):
        if section.section_school_code:
            self.section_by_school_code[section.section_school_code] = section.id
        course_code = self.courses[section.course_id].course_code
        self.sections_by_code.setdefault((course_code, section.section_code),
                                         []).append(section.id)

    def _drop_code(self, course_code, section):
        held = self.sections_by_code.get((course_code, section.section_code), [])
        if section.id in held:
            held.remove(section.id)
