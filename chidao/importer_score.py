"""Score the directive importer on the blind corpus (`make importer-score`).

Runs the importer exactly as `chidao import` and `POST /v1/directives/import` do
(`Directories.read_letter`, the deployment's directories, no agency given, so the
default clerk's) on every letter of `tests/fixtures/corpus/manifest.json`, and compares
each draft with the letter's `*.expected.json` (format: the corpus README).

How importer output maps to the expected JSON
---------------------------------------------
Names (units, issuer, signer) are compared after `norm`: Unicode NFC, casefold, runs of
whitespace as one space, trailing punctuation dropped, "UBND" read as "ủy ban nhân dân",
and a leading head title (Thủ trưởng, Giám đốc, Chủ tịch, Trưởng, Hiệu trưởng, Chánh
... and their "Phó" forms) ignored, as the corpus README allows.

- number_symbol: `number/symbol` of the draft against `number_symbol` (null = blank).
- date: the draft's date against `date`.
- issuer: the draft's issuer against `issuer`; a trailing " tỉnh <province>" of the
  expected name may be missing from the draft (a department names itself without it).
- signer: the signer's name against `signer.name`.
- Assignments. The importer gives one assignment per lead unit; assignments with the
  same action and deadline are one duty of the letter with several leads, and
  a group phrase the importer expanded ("các phòng, đơn vị thuộc Sở" into its units,
  `LeadSource.group`) is one lead: the phrase as written. So a group phrase counts right
  when the importer expands (or flags and keeps) that very phrase. A lead is right when
  the expected name equals either the words the letter used (`LeadSource.written`) or
  the directory unit it was resolved to. Expected and drafted duties are aligned in
  order (a longest-common-subsequence alignment on lead, deadline and wording), then:
  - lead / coordinating: entries of aligned duties that match, over all drafted entries
    (precision) and over all expected entries (recall). A compressed enumeration
    ("UBND các huyện A, B và thị xã C", "Các sở: A, B") also counts right when drafted
    split into units whose names all occur in it.
  - deadline (dated): expected duties with a `deadline` date; a drafted duty is dated when
    its deadline has kind `date`. Right when the aligned pair has the same ISO date.
- empty without warning: fields the draft leaves empty (number, date, issuer, signer,
  subject, a lead, a deadline the letter states) with no importer warning on that field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.directives.domain.errors import NotADirective
from services.directives.domain.importer import ImportResult
from services.directives.handlers import Directories
from services.directives.settings import DIRECTORIES
from shared.contracts.values import DeadlineKind

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests/fixtures/corpus"
FIELDS = ("lead", "coordinating", "deadline", "number_symbol", "date", "issuer", "signer")
DEFAULT_AGENCY = "sxd-thanhhoa"

_TITLE_RE = re.compile(
    r"^(?:phó )?(?:thủ trưởng|giám đốc|chủ tịch|hiệu trưởng|trưởng|chánh|viện trưởng)\s+"
)


def norm(name: str) -> str:
    """The form names are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = re.sub(r"\s+", " ", text).strip(" .,;:-")
    text = re.sub(r"\bubnd\b", "ủy ban nhân dân", text)
    text = text.replace("uỷ", "ủy")
    return _TITLE_RE.sub("", text)


@dataclass
class Count:
    right: int = 0  # true positives
    drafted: int = 0  # precision denominator
    expected: int = 0  # recall denominator

    def add(self, other: Count) -> None:
        self.right += other.right
        self.drafted += other.drafted
        self.expected += other.expected

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


@dataclass
class Score:
    fields: dict[str, Count] = field(default_factory=lambda: {f: Count() for f in FIELDS})
    empty: int = 0
    empty_warned: int = 0
    letters: int = 0

    def add(self, other: Score) -> None:
        for name, count in other.fields.items():
            self.fields[name].add(count)
        self.empty += other.empty
        self.empty_warned += other.empty_warned
        self.letters += other.letters


@dataclass
class Duty:
    leads: list[set[str]]  # each lead: the names it may be compared by
    coordinating: list[set[str]]
    date: dt.date | None
    stated: bool  # a deadline was written (expected) / found (drafted)
    words: set[str]
    index: int = 0  # first drafted assignment of this duty


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", norm(text)) if len(w) > 2}


def expected_duties(expected: dict[str, Any]) -> list[Duty]:
    return [
        Duty(
            leads=[{norm(x)} for x in a["lead"]],
            coordinating=[{norm(x)} for x in a["coordinating"]],
            date=dt.date.fromisoformat(a["deadline"]) if a["deadline"] else None,
            stated=a["deadline_text"] is not None,
            words=_words(a["summary"]),
        )
        for a in expected["assignments"]
    ]


def drafted_duties(result: ImportResult) -> list[Duty]:
    duties: list[Duty] = []
    seen: dict[tuple[str, object], Duty] = {}
    assignments = result.content.assignments
    sources = result.sources
    for i, (a, src) in enumerate(zip(assignments, sources, strict=True)):
        key = (a.action, a.deadline)
        lead = {norm(src.written)} if src.group else {norm(src.written), norm(a.lead_unit.name)}
        coords = [{norm(c)} for c in src.coordinating]
        date = a.deadline.date if a.deadline.kind is DeadlineKind.DATE else None
        if key in seen:
            if lead not in seen[key].leads:
                seen[key].leads.append(lead)
            continue
        stated = a.deadline.kind is not DeadlineKind.NONE
        words = _words(a.action)
        duties.append(Duty([lead], coords, date, stated, words, i))
        seen[key] = duties[-1]
    return duties


def _similar(e: Duty, d: Duty) -> float:
    lead = any(x & y for x in e.leads for y in d.leads)
    overlap = len(e.words & d.words) / max(1, min(len(e.words), len(d.words)))
    same_date = e.date is not None and e.date == d.date
    return (1.0 if lead else 0.0) + overlap + (0.5 if same_date else 0.0)


def align(expected: Sequence[Duty], drafted: Sequence[Duty]) -> list[tuple[int, int]]:
    """Pairs (expected index, drafted index), in order, maximising similarity."""
    n, m = len(expected), len(drafted)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = _similar(expected[i], drafted[j])
            take = best[i + 1][j + 1] + s if s >= 0.5 else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        s = _similar(expected[i], drafted[j])
        if s >= 0.5 and best[i][j] == best[i + 1][j + 1] + s:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _entries_right(expected: list[set[str]], drafted: list[set[str]]) -> tuple[int, int]:
    """(expected entries matched, drafted entries matched)."""
    used: set[int] = set()
    matched_e = 0
    for e in expected:
        hit = next((k for k, d in enumerate(drafted) if k not in used and e & d), None)
        if hit is not None:
            used.add(hit)
            matched_e += 1
            continue
        # A compressed enumeration drafted as its units: each unit's place name is in it.
        (phrase,) = e if len(e) == 1 else (next(iter(e)),)
        parts = [
            k
            for k, d in enumerate(drafted)
            if k not in used and any(_tail(x) and _tail(x) in phrase for x in d)
        ]
        if len(parts) >= 2:
            used.update(parts)
            matched_e += 1
    return matched_e, len(used)


def _tail(name: str) -> str:
    """The proper-name end of a local unit ("ủy ban nhân dân huyện nga sơn" → "nga sơn")
    or of a department ("sở y tế" → "y tế", from "Các sở: Công Thương, Y tế")."""
    m = re.search(r"(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn|đặc khu) (.+)$", name)
    if m is None:
        m = re.fullmatch(r"sở (.+)", name)
    return m.group(1) if m else ""


def score_letter(expected: dict[str, Any], result: ImportResult) -> Score:
    score = Score(letters=1)
    f = score.fields
    content = result.content
    exp_duties = expected_duties(expected)
    got = drafted_duties(result)
    pairs = align(exp_duties, got)
    for field_name, attr in (("lead", "leads"), ("coordinating", "coordinating")):
        count = f[field_name]
        count.expected = sum(len(getattr(d, attr)) for d in exp_duties)
        count.drafted = sum(len(getattr(d, attr)) for d in got)
        for i, j in pairs:
            right_e, right_d = _entries_right(getattr(exp_duties[i], attr), getattr(got[j], attr))
            # One expected entry drafted as several units counts once on each side.
            count.right += right_e
            count.drafted -= right_d - right_e
    dl = f["deadline"]
    dl.expected = sum(1 for d in exp_duties if d.date is not None)
    dl.drafted = sum(1 for d in got if d.date is not None)
    dl.right = sum(
        1 for i, j in pairs if exp_duties[i].date is not None and exp_duties[i].date == got[j].date
    )
    number = f"{content.number}/{content.symbol}" if content.number and content.symbol else None
    signer = content.signer.name if content.signer else None
    exp_signer = (expected.get("signer") or {}).get("name")
    exp_date = dt.date.fromisoformat(expected["date"]) if expected["date"] else None
    province = f" tỉnh {norm(expected['province'])}"
    issuer_ok = content.issuer is not None and norm(content.issuer) in {
        norm(expected["issuer"]),
        norm(expected["issuer"]).removesuffix(province),
    }
    exp_number = expected["number_symbol"]
    for name, got_value, exp_value, ok in (
        ("number_symbol", number, expected["number_symbol"], _same(number, exp_number)),
        ("date", content.date, exp_date, content.date == exp_date),
        ("issuer", content.issuer, expected["issuer"], issuer_ok),
        ("signer", signer, exp_signer, _same(signer, exp_signer)),
    ):
        count = f[name]
        count.drafted = int(got_value is not None)
        count.expected = int(exp_value is not None)
        count.right = int(ok and got_value is not None and exp_value is not None)
    _empty_fields(score, result, got, exp_duties, pairs)
    return score


def _same(a: str | None, b: str | None) -> bool:
    return (
        a is not None
        and b is not None
        and re.sub(r"\s+", "", norm(a)) == re.sub(r"\s+", "", norm(b))
    )


def _empty_fields(
    score: Score,
    result: ImportResult,
    got: list[Duty],
    expected: list[Duty],
    pairs: list[tuple[int, int]],
) -> None:
    content = result.content
    warned = {w.field.split(".")[0] if not w.field.startswith("assignments") else w.field
              for w in result.warnings}  # fmt: skip
    empty: list[str] = []
    if not content.number:
        empty.append("number")
    if content.date is None:
        empty.append("date")
    if not content.issuer:
        empty.append("issuer")
    if content.signer is None:
        empty.append("signer")
    if not content.subject:
        empty.append("subject")
    for k, a in enumerate(content.assignments):
        if a.lead_unit.code is None and not a.lead_unit.name.strip():
            empty.append(f"assignments[{k}].lead_unit")
    stated = {j for i, j in pairs if expected[i].stated}
    for j, duty in enumerate(got):
        if j in stated and not duty.stated:
            empty.append(f"assignments[{duty.index}].deadline")
    score.empty += len(empty)
    score.empty_warned += sum(
        1 for e in empty if e in warned or any(w.startswith(e) for w in warned)
    )


def run(split: str | None = None, corpus: Path = CORPUS) -> dict[str, Score]:
    """Scores per split ("dev", "heldout"); only the splits asked for are read."""
    directories = Directories.load(DIRECTORIES, DEFAULT_AGENCY)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    scores: dict[str, Score] = {}
    for letter in manifest["letters"]:
        if split is not None and letter["split"] != split:
            continue
        text = (corpus / letter["file"]).read_text(encoding="utf-8")
        expected = json.loads((corpus / letter["expected"]).read_text(encoding="utf-8"))
        try:
            _, result = directories.read_letter(text, None)
        except NotADirective:  # refused: it scores nothing right
            score = Score(letters=1)
            exp = expected_duties(expected)
            score.fields["lead"].expected = sum(len(d.leads) for d in exp)
            score.fields["coordinating"].expected = sum(len(d.coordinating) for d in exp)
            score.fields["deadline"].expected = sum(1 for d in exp if d.date)
            for name, key in (("number_symbol", "number_symbol"), ("date", "date"),
                              ("issuer", "issuer"), ("signer", "signer")):  # fmt: skip
                score.fields[name].expected = int(expected.get(key) is not None)
        else:
            score = score_letter(expected, result)
        scores.setdefault(letter["split"], Score()).add(score)
    return scores


def per_letter(split: str, corpus: Path = CORPUS) -> list[tuple[str, Score]]:
    """Scores of each letter of one split (for tuning: use it on dev only)."""
    directories = Directories.load(DIRECTORIES, DEFAULT_AGENCY)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    out: list[tuple[str, Score]] = []
    for letter in manifest["letters"]:
        if letter["split"] != split:
            continue
        text = (corpus / letter["file"]).read_text(encoding="utf-8")
        expected = json.loads((corpus / letter["expected"]).read_text(encoding="utf-8"))
        _, result = directories.read_letter(text, None)
        out.append((letter["id"], score_letter(expected, result)))
    return out


def misses(corpus: Path = CORPUS) -> list[str]:
    """What each dev letter misses, for tuning (dev only: never print held-out letters).

    Per letter: expected duties the alignment leaves unmatched ("missed"), matched ones
    whose lead, coordinators or date differ, and drafted duties matched to none ("extra").
    """
    directories = Directories.load(DIRECTORIES, DEFAULT_AGENCY)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    out: list[str] = []
    for letter in manifest["letters"]:
        if letter["split"] != "dev":
            continue
        text = (corpus / letter["file"]).read_text(encoding="utf-8")
        expected = json.loads((corpus / letter["expected"]).read_text(encoding="utf-8"))
        _, result = directories.read_letter(text, None)
        lines = _letter_misses(expected, result)
        if lines:
            out += [f"{letter['id']} {letter['file']}", *lines]
    return out


def _letter_misses(expected: dict[str, Any], result: ImportResult) -> list[str]:
    exp, got = expected_duties(expected), drafted_duties(result)
    pairs = align(exp, got)
    by_expected = dict(pairs)
    by_drafted = {j for _, j in pairs}
    lines: list[str] = []
    for i, (e, a) in enumerate(zip(exp, expected["assignments"], strict=True)):
        what = f"{a['summary'][:70]} (lead {a['lead']}, due {a['deadline']})"
        if i not in by_expected:
            lines.append(f"  missed: {what}")
            continue
        d = got[by_expected[i]]
        wrong = [
            name
            for name, ok in (
                ("lead", _entries_right(e.leads, d.leads)[0] == len(e.leads)),
                (
                    "coordinating",
                    _entries_right(e.coordinating, d.coordinating)[0] == len(e.coordinating),
                ),
                ("deadline", e.date == d.date),
            )
            if not ok
        ]
        if wrong:
            drafted = sorted(x for lead in d.leads for x in lead)
            lines.append(f"  {', '.join(wrong)}: {what}; drafted {drafted}, due {d.date}")
    for j, d in enumerate(got):
        if j not in by_drafted:
            action = result.content.assignments[d.index].action[:70]
            leads = sorted(x for lead in d.leads for x in lead)
            lines.append(f"  extra: {action} (lead {leads}, due {d.date})")
    return lines


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}%"


def table(scores: dict[str, Score]) -> Table:
    splits = [s for s in ("dev", "heldout") if s in scores]
    out = Table(title="Importer on the blind corpus: precision / recall per field")
    out.add_column("field")
    for split in splits:
        n = scores[split].letters
        out.add_column(f"{split} ({n} letters)\nprecision", justify="right")
        out.add_column(f"{split}\nrecall", justify="right")
        out.add_column(f"{split} right/\ndrafted/expected", justify="right")
    for name in FIELDS:
        row = [name]
        for split in splits:
            c = scores[split].fields[name]
            row += [_pct(c.precision), _pct(c.recall), f"{c.right}/{c.drafted}/{c.expected}"]
        out.add_row(*row)
    row = ["empty without warning"]
    for split in splits:
        s = scores[split]
        row += ["", "", f"{s.empty - s.empty_warned} of {s.empty}"]
    out.add_row(*row)
    return out


app = typer.Typer(add_completion=False)


@app.command()
def main(
    split: Annotated[str | None, typer.Option(help="dev or heldout; both by default.")] = None,
    letters: Annotated[bool, typer.Option(help="Per-letter scores (dev only).")] = False,
    diff: Annotated[bool, typer.Option(help="What each letter misses (dev only).")] = False,
) -> None:
    """Print per-field precision and recall of the importer on the corpus."""
    console = Console(width=120)
    if diff:
        for line in misses():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        return
    if letters:
        for letter_id, s in per_letter("dev"):
            cells = " ".join(f"{k}={c.right}/{c.drafted}/{c.expected}" for k, c in s.fields.items())
            console.print(f"{letter_id}: {cells} empty={s.empty - s.empty_warned}/{s.empty}")
        return
    console.print(table(run(split)))


if __name__ == "__main__":
    app()
