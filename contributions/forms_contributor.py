"""Forms of the contributor pages: they parse what people type and never write themselves.

The entry editor has a variable number of examples, so it is parsed by `EditorData` from
the posted field names (`seed-2-question`, `seed-2-qa-3-answer`...) rather than a Form class.
Every field's label, explanation and example live in FIELD_HELP, one place to reword them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict

from contributions.models import Contribution
from contributions.services import drafts
from contributions.services.notifications import KINDS


@dataclass(frozen=True)
class FieldHelp:
    label: str
    help: str
    example: str = ""


FIELD_HELP: dict[str, FieldHelp] = {
    "summary": FieldHelp(
        "Summary",
        "One line that says what your entry teaches. Reviewers see it first.",
        "Explain how Ceph RBD snapshots work",
    ),
    "path": FieldHelp(
        "Where it goes",
        "The folder of the taxonomy your entry belongs in. Pick one from the list, or add a "
        "new folder inside one.",
        "knowledge/technology/ceph/rbd/snapshots",
    ),
    "task_description": FieldHelp(
        "What should the model learn to do?",
        "One or two sentences about the task the examples show.",
        "Answer a Ceph operator's question by naming the command that shows what they need, "
        "with a short explanation.",
    ),
    "domain": FieldHelp(
        "Subject",
        "The subject area of your documents, in a few words.",
        "Ceph block storage (RBD)",
    ),
    "document_outline": FieldHelp(
        "What the documents cover",
        "A sentence or two describing your documents.",
        "How RBD snapshots are created, listed, protected, cloned and removed.",
    ),
    "documents": FieldHelp(
        "Documents",
        "The text the model learns facts from. Upload markdown (.md) files or write the "
        "text here. Each file can be up to {max_size}.",
    ),
    "skill_question": FieldHelp(
        "Question",
        "Something a person might ask.",
        "My cluster says HEALTH_WARN. How do I see why?",
    ),
    "skill_answer": FieldHelp(
        "Answer",
        "A good answer, written the way you would want the model to answer.",
        "Run `ceph health detail`. It lists each warning with the daemons or placement "
        "groups it concerns.",
    ),
    "skill_context": FieldHelp(
        "Context (optional)",
        "Only if the answer depends on a given text, such as a log excerpt or a config file: "
        "paste that text here. Leave it empty otherwise.",
    ),
    "context": FieldHelp(
        "Passage from your documents",
        "Copy a passage from your documents word for word, up to about 500 words. The "
        "questions below must be answerable from it.",
    ),
    "question": FieldHelp("Question", "A question this passage answers."),
    "answer": FieldHelp("Answer", "The answer, using only facts from the passage."),
    "attribution.title": FieldHelp(
        "Title of the source",
        "The title of the document or page your material comes from.",
        "Ceph documentation: Snapshots",
    ),
    "attribution.link": FieldHelp(
        "Link to the source",
        "Where anyone can read the source online.",
        "https://docs.ceph.com/en/latest/rbd/rbd-snapshot/",
    ),
    "attribution.revision": FieldHelp(
        "Version of the source",
        "Which version you used: a release, a date, or a commit.",
        "Ceph 19.2 (squid), read on 2025-01-15",
    ),
    "attribution.license": FieldHelp(
        "Licence",
        "The licence the source is published under. If you wrote the material yourself, "
        "choose the licence you are happy to share it under.",
    ),
    "attribution.creators": FieldHelp(
        "Who wrote it",
        "The authors of the source, separated by commas.",
        "The Ceph authors",
    ),
}

_SEED = re.compile(r"^seed-(\d+)-")
_OP = re.compile(
    r"^(add-seed|undo-remove|(?:remove|up|down)-seed-(\d+)|add-qa-(\d+)|remove-qa-(\d+)-(\d+))$"
)


def _count(data: QueryDict, name: str, limit: int) -> int:
    try:
        value = int(data.get(name, "0"))
    except ValueError:
        value = 0
    return max(0, min(value, limit))


@dataclass
class EditorData:
    """What the entry editor posted: the draft as JSON, and an editing operation if any."""

    summary: str
    taxonomy_path: str
    draft: dict[str, Any]
    draft_version: int | None
    op: str = ""
    force: bool = False
    message: str = field(default="")

    @classmethod
    def parse(cls, *, kind: str, data: QueryDict, previous: dict[str, Any]) -> EditorData:
        """Read the editor's fields. Unknown fields are ignored; counts are bounded."""
        seeds = []
        for i in range(1, _count(data, "seeds", drafts.MAX_SEED_EXAMPLES) + 1):
            prefix = f"seed-{i}-"
            if kind == Contribution.Kind.SKILL:
                seed = {
                    "question": data.get(prefix + "question", ""),
                    "answer": data.get(prefix + "answer", ""),
                }
                if data.get(prefix + "context", "").strip():
                    seed["context"] = data.get(prefix + "context", "")
            else:
                pairs = [
                    {
                        "question": data.get(f"{prefix}qa-{j}-question", ""),
                        "answer": data.get(f"{prefix}qa-{j}-answer", ""),
                    }
                    for j in range(
                        1,
                        _count(data, prefix + "qas", drafts.MAX_QUESTIONS_PER_CONTEXT) + 1,
                    )
                ]
                seed = {"context": data.get(prefix + "context", ""), "questions_and_answers": pairs}
            seeds.append(seed)
        entry: dict[str, Any] = {"seed_examples": seeds}
        if kind == Contribution.Kind.SKILL:
            entry["task_description"] = data.get("task_description", "")
        else:
            entry["domain"] = data.get("domain", "")
            entry["document_outline"] = data.get("document_outline", "")
        attribution = {
            key: data.get(f"attribution-{key}", "")
            for key in ("title", "link", "revision", "license", "creators")
        }
        draft = {"entry": entry, "attribution": attribution}
        if previous.get("trash"):
            draft["trash"] = previous["trash"]
        try:
            version = int(data.get("draft_version", ""))
        except ValueError:
            version = None
        op = data.get("op", "")
        return cls(
            summary=data.get("summary", ""),
            taxonomy_path=data.get("taxonomy_path", ""),
            draft=draft,
            draft_version=version,
            op=op if _OP.match(op) else "",
            force=data.get("force") == "1",
        )

    def apply_op(self, kind: str) -> str | None:
        """Apply add/remove/move to the draft; returns the id of the field to focus next."""
        match = _OP.match(self.op)
        if not match:
            return None
        seeds: list[dict[str, Any]] = self.draft["entry"]["seed_examples"]
        trash: list[dict[str, Any]] = self.draft.setdefault("trash", [])
        op = self.op
        if op == "add-seed":
            if len(seeds) >= drafts.MAX_SEED_EXAMPLES:
                self.message = f"An entry can have at most {drafts.MAX_SEED_EXAMPLES} examples."
                return None
            seeds.append(
                drafts.empty_skill_seed()
                if kind == Contribution.Kind.SKILL
                else drafts.empty_knowledge_seed()
            )
            first = "question" if kind == Contribution.Kind.SKILL else "context"
            self.message = f"Example {len(seeds)} added."
            return f"seed-{len(seeds)}-{first}"
        if op == "undo-remove":
            if not trash:
                return None
            item = trash.pop()
            position = min(int(item.get("position", len(seeds) + 1)), len(seeds) + 1)
            seeds.insert(position - 1, item.get("seed") or {})
            self.message = f"Example {position} is back."
            return f"seed-{position}-heading"
        if match.group(2):
            number = int(match.group(2))
            if not 1 <= number <= len(seeds):
                return None
            action = op.split("-", 1)[0]
            if action == "remove":
                removed = seeds.pop(number - 1)
                trash.append({"position": number, "seed": removed})
                del trash[:-10]
                self.message = f"Example {number} removed."
                return "seed-undo" if seeds else "add-seed"
            target = number - 1 if action == "up" else number + 1
            if not 1 <= target <= len(seeds):
                return f"seed-{number}-{action}"
            seeds[number - 1], seeds[target - 1] = seeds[target - 1], seeds[number - 1]
            self.message = f"Example {number} moved to position {target}."
            return f"seed-{target}-{action}"
        if kind != Contribution.Kind.KNOWLEDGE:
            return None
        if match.group(3):
            number = int(match.group(3))
            if not 1 <= number <= len(seeds):
                return None
            pairs = seeds[number - 1]["questions_and_answers"]
            if len(pairs) >= drafts.MAX_QUESTIONS_PER_CONTEXT:
                return None
            pairs.append({"question": "", "answer": ""})
            self.message = f"Question {len(pairs)} added to example {number}."
            return f"seed-{number}-qa-{len(pairs)}-question"
        number, qa = int(match.group(4)), int(match.group(5))
        if not 1 <= number <= len(seeds):
            return None
        pairs = seeds[number - 1]["questions_and_answers"]
        if not 1 <= qa <= len(pairs):
            return None
        pairs.pop(qa - 1)
        self.message = f"Question {qa} removed from example {number}."
        return f"seed-{number}-add-qa"


class NewEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to add?",
        choices=[
            (
                Contribution.Kind.KNOWLEDGE,
                "Knowledge: facts from a document, with questions and answers about it",
            ),
            (
                Contribution.Kind.SKILL,
                "A skill: worked examples of a task, each a question and a good answer",
            ),
        ],
        widget=forms.RadioSelect,
        initial=Contribution.Kind.KNOWLEDGE,
    )
    summary = forms.CharField(
        max_length=200,
        required=False,
        label="Summary (optional, you can change it later)",
        help_text="One line that says what your entry teaches.",
    )


class ImportForm(forms.Form):
    qna_file = forms.FileField(
        label="qna.yaml file",
        help_text="An existing entry from a taxonomy. Its questions and answers fill the form.",
    )
    attribution_file = forms.FileField(
        label="attribution.txt (optional)",
        required=False,
        help_text="The file that sits beside qna.yaml; it fills in the source and licence.",
    )

    MAX_BYTES = 1024 * 1024

    def _read(self, name: str) -> bytes:
        upload = self.cleaned_data.get(name)
        if not upload:
            return b""
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is too large to be an entry (over 1 MB). Check you picked "
                "the right file."
            )
        return upload.read()

    def clean(self) -> dict:
        data = super().clean()
        try:
            data["qna_text"] = self._read("qna_file")
            data["attribution_text"] = self._read("attribution_file")
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data


class DocumentUploadForm(forms.Form):
    files = forms.FileField(
        label="Upload markdown files",
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,text/markdown"}),
        help_text="Markdown (.md) files, up to {max_size} each.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.allow_multiple_selected = True
        self.fields["files"].widget.attrs["multiple"] = True


class DocumentWriteForm(forms.Form):
    document_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    filename = forms.CharField(
        max_length=100,
        label="File name",
        help_text="Letters, digits, '-' and '_'; it ends in .md.",
    )
    content = forms.CharField(
        label="Text (markdown)",
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
        help_text="Plain text. Markdown works: # for headings, * for lists, `code`.",
    )


class SubmitForm(forms.Form):
    dco_consent = forms.BooleanField(
        required=False,
        label="I have read the Developer Certificate of Origin above and I agree to it.",
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note for the reviewers (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, what you changed since the last review.",
    )


_GITHUB_HANDLE = re.compile(r"^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=150,
        required=False,
        help_text="How your name appears on your entries. Your user name if empty.",
    )
    commit_name = forms.CharField(
        max_length=150,
        required=False,
        label="Name in the taxonomy's history",
        help_text="Your entries are recorded in the taxonomy under this name. Your display "
        "name if empty.",
    )
    commit_email = forms.EmailField(
        required=False,
        label="E-mail in the taxonomy's history",
        help_text="Public, next to your name. Leave empty to use a private address the portal "
        "gives you.",
    )
    github_handle = forms.CharField(
        max_length=40,
        required=False,
        label="GitHub user name (optional)",
        help_text="If you have one: your entries credit it, and reviewers can mention you.",
    )
    show_on_leaderboard = forms.BooleanField(
        required=False, label="Show my name among the community's contributors"
    )

    def __init__(self, *args: Any, kinds: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = KINDS if kinds is None else kinds  # the notification kinds offered
        for kind, label in self.kinds.items():
            self.fields[f"notify_{kind}_portal"] = forms.BooleanField(
                required=False, label=f"{label}: show in the portal"
            )
            self.fields[f"notify_{kind}_email"] = forms.BooleanField(
                required=False, label=f"{label}: send an e-mail"
            )

    def clean_github_handle(self) -> str:
        handle = self.cleaned_data["github_handle"].strip()
        if handle and not _GITHUB_HANDLE.match(handle):
            raise forms.ValidationError(
                "A GitHub user name has letters, digits and single dashes, up to 39 characters."
            )
        return handle.lstrip("@")

    def notification_choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind: (
                self.cleaned_data[f"notify_{kind}_portal"],
                self.cleaned_data[f"notify_{kind}_email"],
            )
            for kind in self.kinds
        }


def max_document_size_text() -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(settings.MAX_DOCUMENT_BYTES)
