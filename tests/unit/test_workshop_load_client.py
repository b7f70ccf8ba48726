"""The load benchmark's browserless client must see what a browser sees, or it reports votes
as unconfirmed that a phone did show (issue 12: 30 of 200 phones "got no confirmation")."""

import importlib.util
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("workshop_load", ROOT / "benchmarks" / "workshop_load.py")
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)

VOTING, FOLLOW = "frag-voting", "frag-follow"


def started(fragments=()):
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "join"
    msg.metadata.run.fragment_ids.extend(fragments)
    return msg


def ballot(version, fragment=VOTING):
    """The voting fragment's radio and submit button for one vote version."""
    out = []
    for key, kind in ((f"ws_pick_{version}", "radio"), (f"ws_vote_{version}", "button")):
        msg = ForwardMsg()
        msg.delta.fragment_id = fragment
        getattr(msg.delta.new_element, kind).id = f"$$ID-{version:04x}-{key}"
        if kind == "radio":
            msg.delta.new_element.radio.options.extend(["a", "b"])
        out.append(msg)
    return out


def finished(status):
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def feed(session, *messages):
    for msg in messages:
        session._handle((0.0, msg))


def on_screen_after_full_run(version=1):
    s = load.Session(0, "join")
    feed(s, started(), *ballot(version), finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    assert s.vote_version() == version and s.screen() == "voting"
    return s


def test_a_vote_run_whose_end_the_server_rewrote_shows_the_new_ballot():
    # Under load the phone's follow fragment is queued behind its vote; when it starts before the
    # vote run's end was sent, the server turns that end into FINISHED_EARLY_FOR_RERUN but keeps
    # the redrawn ballot (another fragment's deltas). The browser shows it; so must the client.
    s = on_screen_after_full_run()
    feed(
        s,
        started([VOTING]),
        *ballot(2),
        finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN),
        started([FOLLOW]),
        finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY),
    )
    assert s.vote_version() == 2
    assert "ws_vote_1" not in s.widgets and s.screen() == "voting"
    assert s.rewritten == 1


def test_a_fragment_run_stopped_before_drawing_keeps_its_widgets():
    # st.rerun(scope="app") from the fragment before it drew anything: the browser keeps the old
    # ballot until the full run replaces it.
    s = on_screen_after_full_run()
    feed(s, started([VOTING]), finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert s.vote_version() == 1 and s.screen() == "voting"
    assert s.rewritten == 0


def test_an_interrupted_full_run_changes_nothing():
    s = on_screen_after_full_run()
    feed(s, started(), *ballot(5), finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert s.vote_version() == 1


class Wire:
    def __init__(self):
        self.sent = []

    async def send(self, data):
        back = BackMsg()
        back.ParseFromString(data)
        self.sent.append(back.rerun_script)


def test_every_rerun_carries_the_values_on_screen(run_async):
    # The server merges a waiting rerun with a newer one and keeps only the older one's triggers:
    # a follow auto-rerun without the pick would turn a queued vote into "pick one first".
    s = on_screen_after_full_run()
    feed(s, started([FOLLOW]), finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
    s.fragment = (FOLLOW, 3.0)
    s.ws = Wire()
    run_async(s.rerun([("ws_pick_1", "string_value", "b"), ("ws_vote_1", "trigger_value", True)], wait=False))
    run_async(s.rerun(fragment_id=FOLLOW, wait=False))
    vote, follow = s.ws.sent
    assert vote.fragment_id == VOTING and not vote.is_auto_rerun
    assert follow.fragment_id == FOLLOW and follow.is_auto_rerun
    states = {w.id: w for w in follow.widget_states.widgets}
    assert states[s.widgets["ws_pick_1"].id].string_value == "b"
    assert s.widgets["ws_vote_1"].id not in states  # a trigger is sent once, as the browser does
