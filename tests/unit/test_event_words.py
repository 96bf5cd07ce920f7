"""Every audit event name written anywhere in contributions/ reads as words on a page."""

import ast
from pathlib import Path

from contributions import workflow
from contributions.event_words import EVENT_WORDS, event_did, event_happened, event_sentence

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"event_record", "create"}  # event_record(event=...), ContributionEvent.objects.create


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _assigned_strings(tree: ast.AST, name: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= _strings(node.value)
    return found


def _written_event_names() -> dict[str, str]:
    """event name -> where it is written, from every event_record/ContributionEvent create call."""
    names: dict[str, str] = {}
    for path in (ROOT / "contributions").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called not in WRITERS:
                continue
            if called == "create" and "ContributionEvent" not in ast.unparse(func):
                continue
            for keyword in node.keywords:
                if keyword.arg != "event":
                    continue
                value = keyword.value
                found = _strings(value)
                if isinstance(value, ast.Name):
                    found |= _assigned_strings(tree, value.id)
                for name in found:
                    names.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    for name in workflow.TRANSITIONS.values():
        names.setdefault(name, "contributions/workflow.py TRANSITIONS")
    return names


def test_the_scan_finds_the_event_names_of_every_area():
    # given the scan of contributions/
    names = _written_event_names()
    # then it sees events of drafts, documents, reviews, the pipeline, admin and accounts
    for expected in (
        "draft_saved",
        "document_written",
        "review_claimed",
        "review_assigned",
        "pull_request_state",
        "github_feedback",
        "admin_changed",
        "dco_consent_given",
        "pr_merged",
    ):
        assert expected in names


def test_every_event_name_written_has_words():
    # given every event name written anywhere in contributions/
    names = _written_event_names()
    # then each has both forms in the one mapping
    missing = sorted(
        f"{name} ({where})" for name, where in names.items() if name not in EVENT_WORDS
    )
    assert missing == []


def test_the_words_are_sentences_not_raw_names():
    # given every mapped event
    for name, words in EVENT_WORDS.items():
        # then neither form repeats the raw name and the standalone form starts with a capital
        assert "_" not in words.did and "_" not in words.happened, name
        assert words.happened[:1].isupper(), name
        assert event_did(name) == words.did and event_happened(name) == words.happened


def test_an_event_without_an_actor_reads_from_its_data():
    # given events the portal records on its own
    class Event:
        def __init__(self, event, data):
            self.event, self.data = event, data

    # then their sentences say what happened on GitHub
    state = Event("pull_request_state", {"number": 4, "from": "open", "to": "closed"})
    assert event_sentence(state) == "Pull request #4 closed on GitHub"
    feedback = Event("github_feedback", {"author": "octocat", "kind": "review"})
    assert event_sentence(feedback) == "octocat left feedback on the pull request on GitHub"
    assert event_sentence(Event("validated", {})) == "Checks run"


def test_email_subject_ends_at_a_sentence_or_a_whole_word():
    from contributions.tasks.notifications import email_subject

    long = "Riley Reviewer approved “RBD snapshots, clones and rollback”. The portal opens it."
    assert email_subject(long) == "Riley Reviewer approved “RBD snapshots, clones and rollback”"
    words = "word " * 30
    subject = email_subject(words)
    assert subject.endswith("word…") and len(subject) <= 71


def test_one_minute_is_singular():
    from contributions.templatetags.review_tags import duration_hours

    assert duration_hours(1 / 60) == "1 minute"
    assert duration_hours(0.5) == "30 minutes"
