"""dbm.pooled: the participant page's reads and votes reuse connections (a new one parses the
whole schema first, 2–3 ms), and a reused one must never show old data."""

import os
import threading
from pathlib import Path

from lape_plan import db as dbm, demo, plans, workshop
from lape_plan.model import SYSTEM


def make_workshop(path):
    database = dbm.connect(path)
    plan_id = demo.load(database)
    areas = [a["id"] for a in plans.tree(database, plan_id)]
    wid = workshop.create(database, SYSTEM, plan_id, "Työpaja", "Mitä tehdään?", areas, 3)
    return database, wid


def test_a_connection_is_reused_and_sees_later_writes(tmp_path):
    path = str(tmp_path / "pool.db")
    database, wid = make_workshop(path)
    with dbm.pooled(path) as first:
        assert workshop.stage(first, wid)[0] == "collecting"
    workshop.set_phase(database, SYSTEM, wid, "voting")  # another connection writes meanwhile
    with dbm.pooled(path) as again:
        assert again is first
        assert workshop.stage(again, wid)[0] == "voting"


def test_it_can_be_used_from_another_thread(tmp_path):
    # script runs of one session may land on any thread
    path = str(tmp_path / "pool.db")
    _, wid = make_workshop(path)
    with dbm.pooled(path) as first:
        workshop.stage(first, wid)
    seen = []

    def read():
        with dbm.pooled(path) as database:
            seen.append((database, workshop.stage(database, wid)))

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert seen == [(first, ("collecting", workshop.get(first, wid)["round_id"]))]


def test_two_users_at_once_get_two_connections(tmp_path):
    path = str(tmp_path / "pool.db")
    make_workshop(path)
    with dbm.pooled(path) as one, dbm.pooled(path) as two:
        assert one is not two


def test_a_connection_left_in_a_transaction_is_not_kept(tmp_path):
    path = str(tmp_path / "pool.db")
    make_workshop(path)
    with dbm.pooled(path) as database:
        database.execute("BEGIN IMMEDIATE")
    with dbm.pooled(path) as other:
        assert other is not database
        assert not other.conn.in_transaction
    # the abandoned transaction was ended with its connection: others can write
    with dbm.pooled(path) as writer, dbm.write(writer, audit=False):  # only the lock is under test
        writer.execute("update workshops set title = 'x'")


def test_a_replaced_file_is_not_read_through_an_old_connection(tmp_path):
    path = str(tmp_path / "pool.db")
    database, wid = make_workshop(path)
    with dbm.pooled(path) as old:
        assert workshop.stage(old, wid)[0] == "collecting"
    database.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    dbm._migrated.discard(str(Path(path).resolve()))  # a new, empty database at the same path
    fresh = dbm.connect(path)
    assert fresh.execute("select count(*) from workshops").fetchone()[0] == 0
    with dbm.pooled(path) as database:
        assert database is not old
        assert database.execute("select count(*) from workshops").fetchone()[0] == 0
