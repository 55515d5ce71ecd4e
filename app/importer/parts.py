"""What an import has read, kept on disk as it comes: a folder beside the
output (OUT.parts/) holding one JSON-lines file a kind of record and a log
of the lists read. After each page, its records are appended and then a line
of the log names the list, where it goes on (its next page, or null when it
is done) and how long each kind's file now is.

Stopped anywhere (Ctrl-C, a kill, a crash), the import
starts again from the last line of the log: each file is cut back to the
length the log gives, and each list goes on from its next page. Nothing
already read is read again, and what is written is what an import that was
never stopped writes.

write_fixture then streams the files into the fixture document, kind by kind
(a district is never held in memory, only the ids that keep it loadable)."""
import json
import os
import shutil

from ..store.fixtures import KINDS

LOG = "lists.jsonl"
META = "import.json"


class PartsMismatch(Exception):
    pass


class Parts:
    def __init__(self, folder, meta):
        """meta: what the import was started with; resuming with other
        options would mix two imports, so it is refused."""
        self.folder = folder
        self.positions = {}  # list key -> next URL, or None once read to its end
        self.sizes = {}
        os.makedirs(folder, exist_ok=True)
        meta_path = os.path.join(folder, META)
        if os.path.exists(meta_path):
            with open(meta_path) as f:
                before = json.load(f)
            if before != meta:
                changed = sorted(k for k in set(before) | set(meta) if before.get(k) != meta.get(k))
                raise PartsMismatch(f"{folder} holds an import started with other options "
                                    f"({', '.join(changed)}); give the same ones to resume it, "
                                    f"or remove the folder to start again")
            self._resume()
        else:
            with open(meta_path, "w") as f:
                json.dump(meta, f, sort_keys=True)
        self.files = {kind: open(self._path(kind), "ab") for kind in KINDS}
        self.log = open(os.path.join(folder, LOG), "ab")

    @property
    def resumed(self):
        return len(self.positions)

    def _path(self, kind):
        return os.path.join(self.folder, kind + ".jsonl")

    def _resume(self):
        log_path = os.path.join(self.folder, LOG)
        good = 0
        if os.path.exists(log_path):
            with open(log_path, "rb") as f:
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # cut short: that page is read again
                    entry = json.loads(line)
                    self.positions[entry["list"]] = entry["next"]
                    self.sizes = entry["sizes"]
                    good += len(line)
            with open(log_path, "r+b") as f:
                f.truncate(good)
        for kind in KINDS:
            path = self._path(kind)
            if os.path.exists(path):
                with open(path, "r+b") as f:
                    f.truncate(self.sizes.get(kind, 0))

    def position(self, key):
        """Where list key goes on: (started, next URL or None when done)."""
        return (key in self.positions), self.positions.get(key)

    def page(self, key, records, next_url):
        """records: (kind, record) pairs of one page of list key."""
        for kind, record in records:
            self.files[kind].write(json.dumps(record, ensure_ascii=False,
                                              separators=(",", ":")).encode() + b"\n")
        for kind, f in self.files.items():
            f.flush()
            if f.tell():
                self.sizes[kind] = f.tell()
        self.positions[key] = next_url
        self.log.write(json.dumps({"list": key, "next": next_url, "sizes": self.sizes},
                                  separators=(",", ":")).encode() + b"\n")
        self.log.flush()

    def records(self, kind):
        """The records of a kind read so far, in the order they came."""
        self.files[kind].flush()
        with open(self._path(kind), "rb") as f:
            for line in f:
                yield json.loads(line)

    def close(self):
        for f in self.files.values():
            f.close()
        self.log.close()

    def remove(self):
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)
