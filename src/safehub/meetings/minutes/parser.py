"""Read the structure of a meeting out of its minutes: heading, body, date, who was present and who sent apologies,
numbered items with their exempt status, RESOLVED decisions and the actions agreed (with reference, owner and due date).

Written for the way English councils, partnership boards and NHS bodies print minutes: ModernGov pages ("23." on its own
line, then the title, "Minutes:", "RESOLVED that…"), board minutes with attendee tables (name, initials, role) and
"Decisions and/or actions agreed" tables, and action logs with owner and due-date columns. Pure: lines in, a
`ProposedMeeting` out; text the parser cannot place is kept on the nearest item, never dropped.
"""

# ruff: noqa: E501 - the patterns read best on one line each
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .readers import Line, read_minutes
from .schema import ProposedAction, ProposedItem, ProposedMeeting, ProposedPerson

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"], start=1)}
MONTHS = {m[:3]: i for m, i in MONTHS.items()}
MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

NUMBER = r"(?:[A-Z]{3}\d{2}-\d{2,3}|\d{1,3}/\d{2,4}|\d{1,3}\.\d{1,2}|\d{1,3}[a-z]?)"
BARE_NUMBER = re.compile(rf"^(?:item\s+|minute\s+(?:no\.?\s*)?)?({NUMBER})\s*[.):]?$", re.I)
NUMBERED_TITLE = re.compile(
    rf"^(?:(?P<word>item|minute|agenda item)\s+(?:no\.?\s*)?)?(?P<num>{NUMBER})(?P<sep>\s*[.):]\s*|\s+[-–—:]\s+|\s+)(?P<title>\S.*)$",
    re.I,
)
LIST_MARKER = re.compile(r"^\(?(?:[ivx]{1,5}|\d{1,2}|[a-z])\)\s*|^(?:[ivx]{1,5})\.\s+|^[•·▪\-–]\s*", re.I)

NOISE = [
    re.compile(r"\s*pdf icon\s*PDF\s*[\d.]+\s*[KM]B", re.I),
    re.compile(r"\s*\bPDF\s+\d+\s*KB\b", re.I),
    re.compile(r"\s*View directions\.?\s*$", re.I),
    re.compile(r"\s*\.\.\.\s*view the full minutes text for item [\w./-]+\.?", re.I),
    re.compile(r"<[^>]{1,200}>"),
]
MARKERS = re.compile(r"^(minutes|additional documents|media|decision|decisions)\s*:?$", re.I)
SKIP = re.compile(r"^(page \d+( of \d+)?|items|no\.? item|\d+)$", re.I)

PRESENT = re.compile(
    r"^(?:(?:board |committee |panel )?members present|present|attendees|attendance|those present|in attendance|"
    r"also (?:present|in attendance)|officers present|officers in attendance|panel members|attending)\b\s*(?:were)?\s*[:\-–]?\s*(.*)$",
    re.I,
)
APOLOGIES = re.compile(r"^apologies(?: for absence)?(?: (?:were )?received)?(?: from)?\s*[:\-–]?\s*(.*)$", re.I)
APOLOGY_SENTENCE = re.compile(
    r"apologies (?:for absence )?(?:were |had been )?(?:received |submitted |noted )?(?:of|from)\s+(.+?)(?:\s+(?:were|was|had been)\b.*)?\.?$",
    re.I,
)
NO_ONE = re.compile(r"^(none|nil|no apologies|there were (none|no apologies)|n/a)\b", re.I)
RESOLVED = re.compile(r"^(?:it was\s+)?(?:RESOLVED|Resolved(?=\s*[:\-–]|\s+(?:that|to)\b)|RESOLVE(?=\s*:))\s*[:,\-–]?\s*(.*)$")
DECISION = re.compile(r"^(?:decision|decisions|agreed|decided|outcome)\s*[:\-–]\s*(.+)$", re.I)
INLINE_ACTION = re.compile(r"^(?:\*\s*)?actions?\b\s*(?:\((?P<owner>[^)]{1,60})\))?\s*[:\-–]\s*(?P<text>.+)$", re.I)
EXCLUSION = re.compile(r"exclusion of (?:the )?(?:press|public)|exclude the (?:press|public)|press and public be excluded|"
                       r"exempt (?:papers|information|items?) (?:included )?in the following", re.I)
OWN_EXEMPT = re.compile(r"\bexempt\b|\bconfidential\b|not for publication|schedule 12a|part b\b|private session", re.I)
TABLE_HEADER_WORDS = {
    "reference": "ref", "ref": "ref", "ref.": "ref", "no": "ref", "no.": "ref", "#": "ref", "number": "ref", "action no": "ref",
    "item": "item", "agenda item": "item", "minute": "item",
    "details": "text", "description": "text", "action": "text", "actions": "text", "action required": "text",
    "what": "text", "action agreed": "text",
    "owner": "owner", "lead": "owner", "who": "owner", "responsible": "owner", "by whom": "owner", "action by": "owner",
    "lead officer": "owner", "owner(s)": "owner", "responsible officer": "owner", "lead(s)": "owner",
    "due": "due", "due date": "due", "deadline": "due", "by when": "due", "date due": "due", "target date": "due",
    "timescale": "due", "when": "due", "completion date": "due",
    "status": "status", "update": "status", "rag": "status",
}
ROLE_WORDS = re.compile(
    r"\b(chair|director|manager|officer|head|lead|nurse|inspector|superintendent|member|councillor|service|nhs|police|"
    r"council|trust|school|designated|named|consultant|commissioner|team|board|partnership|adviser|advisor|coordinator|"
    r"co-ordinator|administrator|minutes|secretary|ceo|chief|principal|assistant|deputy|representative|solicitor|"
    r"practitioner|worker|detective|dci|di|ds|governor|headteacher|teacher|gp|doctor|clinical|safeguarding|probation|"
    r"housing|social|care|icb|ccg|constabulary|county|city|borough|authority|agency|sector|voluntary|education|health)\b",
    re.I,
)
TITLES = re.compile(r"^(?:(?:chief|detective|assistant|deputy|acting|temporary|det\.?)\s+)*(?:cllr\.?|councillor|chief constable|constable|dr\.?|mr\.?|mrs\.?|ms\.?|miss|prof\.?|professor|rev\.?|dc|ds|di|dci|det\.?|"
                    r"supt\.?|superintendent|inspector|sergeant|pc|sir|dame)\s+", re.I)
BODY_WORDS = re.compile(r"\b(board|committee|panel|partnership|sub-?group|group|executive|forum|trust|commission|cabinet|"
                        r"assembly|network|steering)\b", re.I)
ORGANISATION = re.compile(r"^NHS\b|integrated care board|foundation trust|\b(?:city|county|borough|district) council$", re.I)
HEADER_PREFIX = re.compile(r"^(venue|location|where|contact|date|time|tel|email|e-mail|chair|clerk|meeting|held at|media)\b", re.I)


def _number_key(number: str) -> tuple:
    match = re.match(r"^([A-Z]{3})(\d{2})-(\d+)$", number)
    if match:
        return (int(match.group(3)), "")
    match = re.match(r"^(\d+)/(\d+)$", number)
    if match:
        return (int(match.group(1)), "")
    match = re.match(r"^(\d+)(?:\.(\d+))?([a-z]?)$", number, re.I)
    if match:
        return (int(match.group(1)), f"{int(match.group(2)):03d}" if match.group(2) else match.group(3).lower())
    return (0, number)


def parse_date(text: str) -> dt.date | None:
    """The first full date in the text (day, month and year), or None."""
    candidates = []
    for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy"), (NUMERIC_DATE, "num"), (ISO_DATE, "iso")):
        for match in pattern.finditer(text):
            try:
                if order == "dmy":
                    value = dt.date(int(match.group(3)), MONTHS[match.group(2).lower()[:3]], int(match.group(1)))
                elif order == "mdy":
                    value = dt.date(int(match.group(3)), MONTHS[match.group(1).lower()[:3]], int(match.group(2)))
                elif order == "num":
                    year = int(match.group(3))
                    year = year + 2000 if year < 100 else year
                    value = dt.date(year, int(match.group(2)), int(match.group(1)))  # UK order: day/month/year
                else:
                    value = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except (ValueError, KeyError):
                continue
            candidates.append((match.start(), value))
    return min(candidates)[1] if candidates else None


def _denoise(text: str) -> str:
    for pattern in NOISE:
        text = pattern.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_sentence_start(text: str) -> bool:
    return bool(text) and text[0].islower()


def _title_like(text: str, following: str | None, heading: bool = False) -> bool:
    text = text.strip()
    if not (2 <= len(text) <= 170) or len(text.split()) > 26:
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "'\"‘“("):
        return False
    if re.match(r"^(none|nil|n/a|noted|agreed|resolved)\b\.?$", text, re.I) or RESOLVED.match(text):
        return False
    if text.endswith((",", ";", ":")) and not heading:
        return False
    if text.endswith(".") and len(text.split()) > 10 and not heading:
        return False
    if following is not None and _is_sentence_start(following) and not heading:
        return False
    return True


@dataclass
class _Segment:
    number: str | None
    title: str
    lines: list[Line] = field(default_factory=list)


def _strip_repeated_header(lines: list[Line]) -> list[Line]:
    """Remove the page header a PDF or Word export repeats on every page (the document's first lines, again)."""
    texts = [line.text for line in lines]
    firsts = [i for i, t in enumerate(texts) if t][:6]
    if len(firsts) < 2:
        return lines
    head = [texts[i] for i in firsts]
    non_empty = [(i, t) for i, t in enumerate(texts) if t]
    best = 0
    for size in range(len(head), 1, -1):
        block = head[:size]
        for start in range(size, len(non_empty) - size + 1):
            if [t for _, t in non_empty[start:start + size]] == block:
                best = size
                break
        if best:
            break
    if not best:
        return lines
    block = head[:best]
    drop: set[int] = set()
    k = best
    while k <= len(non_empty) - best:
        if [t for _, t in non_empty[k:k + best]] == block:
            drop.update(i for i, _ in non_empty[k:k + best])
            k += best
        else:
            k += 1
    return [line for i, line in enumerate(lines) if i not in drop]


def _next_text(lines: Sequence[Line], i: int, *, adjacent: bool = False) -> str | None:
    """The next non-empty line after i (with adjacent=True: only if no blank line comes first)."""
    for line in lines[i + 1:]:
        if line.text:
            return line.text
        if adjacent:
            return None
    return None


def _paragraph_numbered(lines: Sequence[Line]) -> bool:
    """Reports number their paragraphs ("3. The City's vulnerable children have…"); minutes number their items."""
    sentences = titles = 0
    for i, line in enumerate(lines):
        match = NUMBERED_TITLE.match(line.text) if line.cells is None else None
        if not match or match.group("word"):
            continue
        rest = match.group("title")
        following = _next_text(lines, i, adjacent=True)
        if len(rest.split()) > 12 or (following is not None and _is_sentence_start(following)) or rest.endswith("."):
            sentences += 1
        elif _title_like(rest, following, line.heading):
            titles += 1
    return sentences >= 3 and sentences >= titles


def _segment(lines: list[Line]) -> tuple[list[Line], list[_Segment]]:
    """Split into the header (before the first item) and items. Item numbers must rise, so numbered lists inside an
    item are not taken for items."""
    paragraph_mode = _paragraph_numbered(lines)
    header: list[Line] = []
    segments: list[_Segment] = []
    last_key: tuple | None = None
    numbered_seen = False
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        found: tuple[str | None, str, int] | None = None  # number, title, lines consumed
        cells = [c for c in line.cells if c] if line.cells is not None else []
        if len(cells) == 2 and BARE_NUMBER.match(cells[0]) and _title_like(cells[1], None, True):
            found = (BARE_NUMBER.match(cells[0]).group(1), _denoise(cells[1]), 1)
        if text and line.cells is None and not paragraph_mode:
            bare = BARE_NUMBER.match(text)
            if bare:
                j = i + 1
                while j < len(lines) and not lines[j].text:
                    j += 1
                if j < len(lines) and lines[j].cells is None and not BARE_NUMBER.match(lines[j].text):
                    title = _denoise(lines[j].text)
                    if _title_like(title, _next_text(lines, j, adjacent=True), True):
                        found = (bare.group(1), title, j - i + 1)
            else:
                match = NUMBERED_TITLE.match(text)
                if match:
                    sep = match.group("sep")
                    title = _denoise(match.group("title"))
                    plain_space = not sep.strip()
                    allowed = not plain_space or line.heading or match.group("word") or not match.group("num").isdigit()
                    if allowed and _title_like(title, _next_text(lines, i, adjacent=True), line.heading):
                        found = (match.group("num"), title, 1)
        if found is not None:
            number, title, consumed = found
            key = _number_key(number)
            if last_key is None or key > last_key:
                segments.append(_Segment(number.rstrip("."), title.rstrip(".").strip() if len(title.split()) < 20 else title))
                last_key = key
                numbered_seen = True
                i += consumed
                continue
        if segments:
            segments[-1].lines.append(line)
        else:
            header.append(line)
        i += 1
    if not numbered_seen:
        header, segments = _segment_by_headings(header)
    return header, segments


def _segment_by_headings(lines: list[Line]) -> tuple[list[Line], list[_Segment]]:
    """For minutes without item numbers: the document's own headings (HTML h2/h3, Word heading styles, bold PDF lines)."""
    header: list[Line] = []
    segments: list[_Segment] = []
    seen_heading = 0
    for line in lines:
        is_item = (
            line.heading and line.cells is None and _title_like(line.text, None, True)
            and not PRESENT.match(line.text) and not APOLOGIES.match(line.text) and not MARKERS.match(line.text)
        )
        if is_item:
            seen_heading += 1
        if is_item and seen_heading > 1 or (is_item and segments):
            segments.append(_Segment(None, _denoise(line.text).rstrip(".")))
            continue
        if is_item and not segments and _looks_like_document_title(line.text):
            header.append(line)
            continue
        if is_item:
            segments.append(_Segment(None, _denoise(line.text).rstrip(".")))
            continue
        (segments[-1].lines if segments else header).append(line)
    return header, segments


def _looks_like_document_title(text: str) -> bool:
    return bool(re.search(r"\bminutes\b|\bnotes of\b|\bagenda\b", text, re.I) or BODY_WORDS.search(text) or parse_date(text))


# --- people ---------------------------------------------------------------------------------------------------------


def _split_outside_parens(text: str, separators: str = r",|;|\s+and\s+|\s+&\s+") -> list[str]:
    parts, depth, start = [], 0, 0
    pattern = re.compile(separators)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = pattern.match(text, i)
            if match and match.end() > match.start():
                parts.append(text[start:i])
                start = i = match.end()
                continue
        i += 1
    parts.append(text[start:])
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _looks_like_name(text: str) -> bool:
    bare = TITLES.sub("", text.strip())
    words = bare.split()
    if not 1 <= len(words) <= 5 or ROLE_WORDS.search(bare):
        return False
    return all(w[:1].isupper() or w[:1] in "'’" or w.lower() in {"de", "van", "von", "da", "le", "la", "o'"} for w in words)


def _person(text: str) -> ProposedPerson | None:
    text = _denoise(text).strip(" .;:•·-–")
    text = re.sub(r"\s*[-–—]\s*(?:for\s+)?items?\s+[\w, &]+$", "", text, flags=re.I)  # "Jonathon Toy – Item 3"
    if not text or len(text) > 200:
        return None
    role = None
    paren = re.match(r"^(.*?)\s*\(([^)]+)\)\s*(.*)$", text)
    if paren and paren.group(1) and paren.group(3).strip(" ,–-"):
        text, role = paren.group(1).strip(), f"{paren.group(2).strip()}, {paren.group(3).strip(' ,–-')}"
    else:
        extra = None
        if paren and paren.group(1):
            text, extra = paren.group(1).strip(), paren.group(2).strip()
        dash = re.match(r"^(.*?)\s+[-–—]\s+(.+)$", text)
        comma = re.match(r"^([^,]+),\s*(.+)$", text)
        if dash and _looks_like_name(dash.group(1)):
            text, role = dash.group(1).strip(), dash.group(2).strip()
        elif comma and _looks_like_name(comma.group(1)):
            text, role = comma.group(1).strip(), comma.group(2).strip()
        if extra:
            role = f"{role}, {extra}" if role else extra
    if not text or not text[0].isupper() or len(text.split()) > 7:
        return None
    return ProposedPerson(text, role or None)


def _people_from_cells(cells: Sequence[str]) -> ProposedPerson | None:
    values = [c for c in cells if c]
    if not values:
        return None
    if values[0].lower() in {"name", "attendee", "member", "members"}:
        return None
    person = _person(values[0])
    if person is None:
        return None
    rest = [v for v in values[1:] if not re.fullmatch(r"[A-Z]{2,4}", v)]  # initials column
    if rest:
        printed = ", ".join(rest)
        own = person.role
        person.role = f"{own}, {printed}" if own and own.lower() not in printed.lower() else printed
    return person


def _people_inline(text: str) -> list[ProposedPerson]:
    text = _denoise(text).strip(" .")
    if not text or NO_ONE.match(text):
        return []
    role_prefix = None
    prefix = re.match(r"^((?:[A-Z][a-z]+(?:-[a-z]+)?\s+)?(?:Members|Councillors|Co-opted Members))\s+(?=[A-Z])", text)
    if prefix:
        role_prefix = re.sub(r"s$", "", prefix.group(1))
        text = text[prefix.end():]
    people = []
    for part in _split_outside_parens(text):
        person = _person(part)
        if person is not None:
            if role_prefix and not person.role:
                person.role = role_prefix
            people.append(person)
    return people


def _people_block(lines: Sequence[Line]) -> list[ProposedPerson]:
    people = []
    for line in lines:
        if not line.text:
            continue
        if line.cells is not None:
            person = _people_from_cells(line.cells)
            if person:
                people.append(person)
            continue
        parts = _split_outside_parens(line.text, r",|;") if line.text.count(",") >= 2 or ";" in line.text else [line.text]
        if len(parts) > 1 and all(_looks_like_name(re.sub(r"\s*\(.*?\)", "", p)) for p in parts[:-1]):
            people.extend(_people_inline(line.text))
            continue
        person = _person(line.text)
        if person:
            people.append(person)
    return people


def _is_person_line(line: Line) -> bool:
    if line.cells is not None:
        return True
    text = re.sub(r"^[•·▪*]\s*", "", line.text)
    if not text or len(text) > 160 or RESOLVED.match(text) or text.endswith(":"):
        return False
    if NUMBERED_TITLE.match(text) and not _looks_like_name(text.split(" ", 1)[0]):
        return False
    head = re.split(r"\s*[(,–—-]\s*", text, maxsplit=1)[0]
    return _looks_like_name(head) or bool(TITLES.match(text))


# --- decisions and actions --------------------------------------------------------------------------------------------


def _strip_marker(text: str) -> str:
    return LIST_MARKER.sub("", text, count=1).strip()


def _paragraphs(lines: Sequence[Line]) -> list[list[Line]]:
    """Group lines into paragraphs (split at blank lines); table rows are paragraphs of their own."""
    out: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.cells is not None:
            if current:
                out.append(current)
                current = []
            out.append([line])
        elif not line.text:
            if current:
                out.append(current)
                current = []
        else:
            if current and _starts_paragraph(current[-1].text, line.text):
                out.append(current)
                current = []
            current.append(line)
    if current:
        out.append(current)
    return out


def _starts_paragraph(previous: str, text: str) -> bool:
    """In text without blank lines, a marker line (RESOLVED, Decision:, Action:, (i)) or a capitalised line after a
    finished sentence begins a new paragraph."""
    if RESOLVED.match(text) or DECISION.match(text) or INLINE_ACTION.match(text) or LIST_MARKER.match(text):
        return True
    return previous.endswith((".", "!", "?", ":")) and text[:1].isupper()


def _join(paragraph: Sequence[Line]) -> str:
    return _denoise(" ".join(line.text for line in paragraph))


def _clean_decision(text: str) -> str:
    text = _strip_marker(_denoise(text)).strip()
    return text.rstrip(" .;") + ("" if not text else "")


def _due(text: str) -> str | None:
    text = re.sub(r"^the\s+", "", text.strip(" .;:()"), flags=re.I)
    if not text:
        return None
    when = parse_date(text)
    return when.isoformat() if when else text


OWNER_LEADING = re.compile(
    r"^(?P<owner>(?:[A-Z]{2,4}|[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)?)(?:\s*(?:&|and|,|/)\s*(?:[A-Z]{2,4}|[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)?))*)"
    r"\s+to\s+(?P<rest>.+)$"
)
DUE_TAIL = re.compile(
    r"[\s,;(–-]*(?:\bby\b|\bdue\b\s*:?|\bdeadline\b\s*:?|\btarget\b\s*:?|\bdate\b\s*:)\s*(?P<due>(?:the\s+)?(?:next (?:meeting|board)|"
    rf"end of {MONTH_RE}(?:\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_RE}\.?,?\s+\d{{4}}|{MONTH_RE}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    r"\d{4}-\d{2}-\d{2}))\)?\.?\s*$",
    re.I,
)
OWNER_TAIL = re.compile(r"[\s,;(–-]*(?:owner|lead|responsible|action by|by whom)\s*[:\-–]\s*(?P<owner>[^;:()]{1,80}?)\)?\s*[.;]?\s*$", re.I)


def _inline_action(text: str, owner: str | None = None) -> ProposedAction:
    text = _denoise(text)
    due = None
    dashed = re.match(r"^([A-Z]{2,4}(?:\s*[/&,]\s*[A-Z]{2,4})*)\s+[–—-]\s+(.+)$", text)
    if dashed and not owner:
        owner, text = dashed.group(1), dashed.group(2)
    tail_date = re.search(r"\s+[–—-]\s+(\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})\.?$", text)
    if tail_date and parse_date(tail_date.group(1)):
        due, text = _due(tail_date.group(1)), text[:tail_date.start()]
    for _ in range(2):
        match = OWNER_TAIL.search(text)
        if match and not owner:
            owner = match.group("owner").strip()
            text = text[:match.start()].rstrip(" ,;–-")
        match = DUE_TAIL.search(text)
        if match and due is None:
            due = _due(match.group("due"))
            text = text[:match.start()].rstrip(" ,;–-")
    if not owner:
        lead = OWNER_LEADING.match(text)
        if lead and (re.fullmatch(r"[A-Z]{2,4}(?:\s*(?:&|and|,|/)\s*[A-Z]{2,4})*", lead.group("owner"))
                     or _looks_like_name(lead.group("owner"))):
            owner = lead.group("owner")
    return ProposedAction(text=text.rstrip(" ."), owner=owner.strip() if owner else None, due=due)


def _owner_cell(value: str) -> str | None:
    value = _denoise(value).strip(" .")
    if not value:
        return None
    lead = re.match(r"^((?:[A-Z]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z'’-]+)?)(?:\s*(?:&|and|,|/|\s)\s*(?:[A-Z]{2,4}))*)\s+to\s+\w", value)
    return lead.group(1) if lead else value


def _table_columns(cells: Sequence[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = TABLE_HEADER_WORDS.get(cell.strip().lower().rstrip(":"))
        if key is None:
            continue
        if key == "text" and "text" in columns:
            key = "owner"  # "Details | Action": the second is who acts
        if key in columns and key != "text":
            continue
        columns[key] = index
    if "text" in columns and ("owner" in columns or "due" in columns or "ref" in columns):
        if "owner" not in columns and cells[columns["text"]].strip().lower() == "action" and "details" in [c.lower() for c in cells]:
            columns["owner"] = columns["text"]
        return columns
    return None


@dataclass
class _ItemContent:
    description: list[str] = field(default_factory=list)
    minutes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    actions: list[tuple[str | None, ProposedAction]] = field(default_factory=list)  # (item number from a table, action)
    apologies: list[ProposedPerson] = field(default_factory=list)
    present: list[ProposedPerson] = field(default_factory=list)


def _read_item(title: str, lines: Sequence[Line]) -> _ItemContent:
    content = _ItemContent()
    target = content.minutes
    has_minutes_marker = any(re.match(r"^minutes\s*:?$", line.text, re.I) for line in lines)
    if has_minutes_marker:
        target = content.description
    paragraphs = _paragraphs(lines)
    columns: dict[str, int] | None = None
    resolved_open = False
    apologies_item = bool(re.match(r"^apologies\b", title, re.I))
    present_item = bool(re.match(r"^(present|attendance|attendees|members present)\b", title, re.I))
    k = 0
    while k < len(paragraphs):
        paragraph = paragraphs[k]
        first = paragraph[0]
        text = _join(paragraph)
        k += 1
        if first.cells is not None:
            cells = first.cells
            header = _table_columns(cells)
            if header is not None:
                columns = header
                target.append(" | ".join(cells))
                continue
            target.append(" | ".join(c for c in cells if c))
            if columns is not None:
                def cell(key: str, cells=cells, columns=columns) -> str:
                    index = columns.get(key)
                    return cells[index].strip() if index is not None and index < len(cells) else ""
                details = cell("text")
                if details:
                    owner = _owner_cell(cell("owner")) if "owner" in columns else None
                    action = _inline_action(details, owner=owner)
                    action.reference = cell("ref").rstrip(".") or None
                    if "due" in columns:
                        action.due = _due(cell("due")) or action.due
                    content.actions.append((cell("item").rstrip(".") or None, action))
                continue
            if apologies_item or present_item:
                person = _people_from_cells(cells)
                if person:
                    (content.apologies if apologies_item else content.present).append(person)
            continue
        columns = None
        if re.match(r"^minutes\s*:?$", text, re.I):
            target = content.minutes
            continue
        if MARKERS.match(text) or SKIP.match(text):
            continue
        target.append(text)
        resolved = RESOLVED.match(text)
        decision = DECISION.match(text)
        if resolved:
            rest = resolved.group(1).strip()
            pieces = [p for p in re.split(r"\s(?=\((?:[ivx]{1,5}|\d{1,2}|[a-z])\)\s)", rest) if p.strip()]
            if not rest or rest.lower().rstrip(":") in {"to", "that", "as follows", "unanimously"}:
                resolved_open = True
                continue
            if len(pieces) > 1 and re.match(r"^(to|that)?\s*$", _strip_marker(pieces[0]) if not LIST_MARKER.match(pieces[0]) else "x"):
                pieces = pieces[1:]
            for piece in pieces:
                cleaned = _clean_decision(piece)
                if cleaned and cleaned.lower() not in {"to", "that"}:
                    content.decisions.append(cleaned)
            resolved_open = bool(LIST_MARKER.match(rest))
            continue
        if decision and not INLINE_ACTION.match(text):
            content.decisions.append(_clean_decision(decision.group(1)))
            resolved_open = False
            continue
        if resolved_open and (LIST_MARKER.match(text) or not content.decisions or re.match(r"^\d{1,2}[.)]\s", text)):
            cleaned = _clean_decision(re.sub(r"^\d{1,2}[.)]\s+", "", text))
            if cleaned:
                content.decisions.append(cleaned)
            continue
        resolved_open = False
        action = INLINE_ACTION.match(text)
        if action:
            content.actions.append((None, _inline_action(action.group("text"), owner=action.group("owner"))))
            continue
        if apologies_item or present_item:
            sentence = APOLOGY_SENTENCE.search(text)
            bucket = content.apologies if apologies_item else content.present
            if sentence:
                bucket.extend(_people_inline(sentence.group(1)))
            elif all(_is_person_line(line) for line in paragraph) and not NO_ONE.match(text):
                bucket.extend(_people_block(paragraph))
            continue
    return content


def _exempt_categories(text: str) -> str | None:
    found: set[str] = set()
    for pattern in (
        r"categor(?:y|ies)\s*\(?\s*((?:[1-7]\s*(?:,|and|&)?\s*)+)\)?",
        r"paragraphs?\s+((?:[1-7]\s*(?:,|and|&)?\s*)+)(?:\s*\)?\s*of\s+(?:part\s+(?:1|i|one)\s+of\s+)?schedule\s+12\s*a)",
        r"schedule\s+12\s*a[^.]{0,80}?paragraphs?\s+((?:[1-7]\s*(?:,|and|&)?\s*)+)",
        r"exempt[^.]{0,60}?paragraphs?\s+((?:[1-7]\s*(?:,|and|&)?\s*)+)",
    ):
        for match in re.finditer(pattern, text, re.I):
            found.update(re.findall(r"[1-7]", match.group(1)))
    return ",".join(sorted(found)) or None


# --- header -----------------------------------------------------------------------------------------------------------


def _read_header(lines: Sequence[Line], proposal: ProposedMeeting) -> list[str]:
    """Fill title, body, date, venue, present and apologies from the lines before the first item; return the rest."""
    unplaced: list[str] = []
    section: str | None = None
    section_lines: list[Line] = []
    body_from_heading = False

    def close_section() -> None:
        nonlocal section
        if section is not None:
            bucket = proposal.present if section == "present" else proposal.apologies
            for line in section_lines:
                people = _people_block([line])
                if people:
                    bucket.extend(people)
                else:
                    unplaced.append(line.text if line.cells is None else " | ".join(line.cells))
        section_lines.clear()
        section = None

    for line in lines:
        text = _denoise(line.text)
        if line.cells is None and not text:
            continue
        if line.cells is not None and section is None and _table_columns(line.cells) is None:
            first = line.cells[0].strip().lower().rstrip(":")
            if first in {"present", "attendees", "members present", "in attendance"}:
                section = "present"
                rest = [c for c in line.cells[1:] if c]
                if rest:
                    section_lines.append(Line(" ".join(rest), cells=tuple(rest)))
                continue
            if first.startswith("apologies"):
                section = "apologies"
                rest = [c for c in line.cells[1:] if c]
                if rest:
                    section_lines.append(Line(" ".join(rest), cells=tuple(rest)))
                continue
        present = PRESENT.match(text) if line.cells is None else None
        apologies = APOLOGIES.match(text) if line.cells is None else None
        if present and (present.group(1) or text.rstrip().endswith(":") or len(text.split()) <= 3):
            close_section()
            section = "present"
            if present.group(1):
                proposal.present.extend(_people_inline(present.group(1)) if "," in present.group(1) or " and " in present.group(1)
                                        else _people_block([Line(present.group(1))]))
            continue
        if apologies and (apologies.group(1) or text.rstrip().endswith(":") or len(text.split()) <= 4):
            close_section()
            section = "apologies"
            if apologies.group(1):
                proposal.apologies.extend(_people_inline(apologies.group(1)))
            continue
        sentence = APOLOGY_SENTENCE.search(text) if line.cells is None else None
        if sentence:
            close_section()
            proposal.apologies.extend(_people_inline(sentence.group(1)))
            continue
        if section is not None:
            if _is_person_line(line):
                section_lines.append(line)
                continue
            close_section()
        if ORGANISATION.search(text) and len(text.split()) <= 8 and not re.search(r"committee|panel|sub-?group", text, re.I):
            unplaced.append(text)
            continue
        if line.heading and line.cells is None and BODY_WORDS.search(text) and not body_from_heading and \
                not re.match(r"^(?:agenda|minutes|notes)\b", text, re.I) and len(text.split()) <= 14:
            proposal.body, body_from_heading = re.split(r"\s+[-–—]\s+", text, maxsplit=1)[0], True
            proposal.date = proposal.date or parse_date(text)
            continue
        if not _header_field(text, proposal):
            unplaced.append(text if line.cells is None else " | ".join(line.cells))
    close_section()
    return unplaced


def _header_field(text: str, proposal: ProposedMeeting) -> bool:
    venue = re.match(r"^(?:venue|location|where|held at|place)\s*[:\-–]\s*(.+)$", text, re.I)
    if venue:
        proposal.venue = proposal.venue or _denoise(venue.group(1)).rstrip(". ")
        return True
    if proposal.title is None and re.match(
        r"^(?:(?:draft|confirmed|unconfirmed|approved)\s+)?(?:agenda and )?(?:minutes|notes|action notes|record)\b", text, re.I
    ) and len(text) < 200:
        proposal.title = text
        held = re.match(r"^.*?(?:minutes|notes|record) of (?:the |a )?(?:meeting of (?:the )?)?(.+?)(?: meeting)?(?: held)?"
                        r"(?: on| at| -|,|$)", text, re.I)
        if held and BODY_WORDS.search(held.group(1)) and proposal.body is None:
            proposal.body = held.group(1).strip(" ,-–")
        if proposal.date is None:
            proposal.date = parse_date(text)
        return True
    when = parse_date(text)
    if HEADER_PREFIX.match(text):
        if when and proposal.date is None and re.match(r"^(date|meeting|held)", text, re.I):
            proposal.date = when
        return bool(re.match(r"^(date|time)\b", text, re.I)) and bool(when)
    if (BODY_WORDS.search(text) and proposal.body is None and len(text) < 150 and not text.endswith(".")
            and text[0].isupper() and len(text.split()) <= 14
            and not re.search(r"\b(is|are|was|were|will|has|have|recommended)\b", text)):
        name = re.split(r"\s+[-–—]\s+|,\s*(?=(?:mon|tues|wednes|thurs|fri|satur|sun)day)", text, maxsplit=1)[0]
        name = re.sub(rf"\s*(?:held )?on\s+.*{MONTH_RE}.*$", "", name, flags=re.I).strip(" ,")
        if name and not parse_date(name):
            proposal.body = name
            if proposal.date is None and when:
                proposal.date = when
            return True
    if when and proposal.date is None and len(text) < 120:
        proposal.date = when
        return True
    if re.fullmatch(r"[\d.:]+\s*(?:am|pm)?\s*(?:[-–]|to)\s*[\d.:]+\s*(?:am|pm)", text, re.I):
        return True
    return False


# --- the whole document -----------------------------------------------------------------------------------------------


def parse_lines(raw: Iterable[Line | str]) -> ProposedMeeting:
    lines = [line if isinstance(line, Line) else Line(str(line).strip()) for line in raw]
    lines = [Line(_denoise(line.text) if line.cells is None else line.text, line.heading, line.cells) for line in lines]
    lines = [line for line in _strip_repeated_header(lines) if not (line.cells is None and SKIP.match(line.text) and
                                                                     not BARE_NUMBER.match(line.text))]
    lines = _join_wrapped(lines)
    proposal = ProposedMeeting()
    header, segments = _segment(lines)
    unplaced = _read_header(header, proposal)
    exempt_next: str | None = None
    pending_tables: list[tuple[str | None, ProposedAction]] = []
    for segment in segments:
        content = _read_item(segment.title, segment.lines)
        item = ProposedItem(title=segment.title, number=segment.number, decisions=content.decisions,
                            description="\n".join(content.description), minutes="\n".join(content.minutes))
        body_text = " ".join([segment.title, *content.description, *content.minutes[:3]])
        if exempt_next is not None:
            item.exempt, item.exempt_category = True, exempt_next or None
            exempt_next = None
        if EXCLUSION.search(segment.title):
            exempt_next = _exempt_categories(" ".join([segment.title, *content.description, *content.minutes])) or ""
        elif OWN_EXEMPT.search(segment.title) or re.search(r"exempt|schedule 12a", " ".join(content.description[:3]), re.I) or \
                re.search(r"private session|schedule 12a|exempt information", " ".join(content.minutes[:2]), re.I):
            item.exempt = True
            item.exempt_category = _exempt_categories(body_text) or item.exempt_category
        for number, action in content.actions:
            if number and number != segment.number:
                pending_tables.append((number, action))
            else:
                item.actions.append(action)
        proposal.apologies.extend(content.apologies)
        proposal.present.extend(content.present)
        proposal.items.append(item)
    by_number = {item.number: item for item in proposal.items if item.number}
    for number, action in pending_tables:
        (by_number.get(number) or proposal.items[-1]).actions.append(action)
    if not proposal.items:
        proposal.items.append(ProposedItem(title="Document text", minutes="\n".join(unplaced)))
        unplaced = []
    if unplaced:
        proposal.unplaced = "\n".join(unplaced)
        first = proposal.items[0]
        first.minutes = f"{proposal.unplaced}\n\n{first.minutes}".strip()
    proposal.present = _dedupe(proposal.present)
    proposal.apologies = _dedupe(proposal.apologies)
    return proposal


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Mend lines a PDF wrapped: an open bracket continues on the next line, and so does a bold heading."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        joinable = previous is not None and line.text and line.cells is None and previous.cells is None and previous.text
        if joinable and (
            (previous.text.count("(") > previous.text.count(")") and len(line.text) < 80)
            or (previous.heading and line.heading and NUMBERED_TITLE.match(previous.text) and len(previous.text) > 60
                and not BARE_NUMBER.match(line.text) and not NUMBERED_TITLE.match(line.text))
        ):
            out[-1] = Line(f"{previous.text} {line.text}", previous.heading, None)
            continue
        out.append(line)
    return out


def _dedupe(people: list[ProposedPerson]) -> list[ProposedPerson]:
    seen, out = set(), []
    for person in people:
        key = person.name.lower()
        if key not in seen:
            seen.add(key)
            out.append(person)
    return out


def parse_minutes(data: bytes, filename: str) -> ProposedMeeting:
    """Read a minutes file (.txt, .html, .pdf, .docx) and propose a meeting."""
    return parse_lines(read_minutes(data, filename))
