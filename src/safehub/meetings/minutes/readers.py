"""Turn a minutes file (.txt, .html, .pdf, .docx) into lines: text, whether the document marked it as a heading, and the
cells when it is a row of a data table. Pure functions over bytes; the parser never sees the format.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".txt", ".html", ".htm", ".pdf", ".docx")


class UnreadableMinutes(ValueError):
    """The file is not one we can read (wrong type, damaged)."""


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False
    cells: tuple[str, ...] | None = None


def _clean(text: str) -> str:
    return re.sub(r"[ \u00a0\u2002\u2003\u2009]+", " ", text.replace("\r", "")).strip()


def read_minutes(data: bytes, filename: str) -> list[Line]:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableMinutes(f"Minutes must be a .txt, .html, .pdf or .docx file, not {suffix or 'a file without a type'}")
    try:
        if suffix == ".txt":
            return read_text(data)
        if suffix in (".html", ".htm"):
            return read_html(data)
        if suffix == ".pdf":
            return read_pdf(data)
        return read_docx(data)
    except UnreadableMinutes:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure on a damaged file is the same answer to the user
        raise UnreadableMinutes(f"The file could not be read as {suffix}: {error}") from error


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_text(data: bytes) -> list[Line]:
    lines = []
    for raw in _decode(data).split("\n"):
        if "\t" in raw and raw.strip():
            cells = tuple(_clean(c) for c in raw.split("\t"))
            lines.append(Line(_clean(raw.replace("\t", " ")), cells=cells))
        else:
            lines.append(Line(_clean(raw)))
    return lines


# --- HTML -------------------------------------------------------------------------------------------------------------

BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "br", "section", "article",
          "header", "footer", "dt", "dd", "blockquote", "pre", "caption"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def read_html(data: bytes) -> list[Line]:
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(_decode(data), "lxml")
    for junk in soup(["script", "style", "noscript", "nav", "head"]):
        junk.decompose()
    lines: list[Line] = []
    buffer: list[str] = []

    def flush(heading: bool = False) -> None:
        text = _clean("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line(text, heading=heading))

    def is_data_table(table: Tag) -> bool:
        for cell in table.find_all(["td", "th"]):
            if cell.find(["table", "p", "div", "ul", "ol", "h1", "h2", "h3", "h4"]) and len(cell.get_text(" ", strip=True)) > 200:
                return False
            if cell.find("table"):
                return False
        return bool(table.find("tr"))

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype"):
                    continue
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "table" and is_data_table(child):
                flush()
                lines.append(Line(""))
                for row in child.find_all("tr"):
                    cells = tuple(_clean(c.get_text(" ", strip=True)) for c in row.find_all(["td", "th"]))
                    if any(cells):
                        lines.append(Line(_clean(" ".join(cells)), cells=cells))
                lines.append(Line(""))
                continue
            if name in ("td", "th"):
                flush()
                walk(child)
                flush()
                continue
            if name in HEADINGS:
                flush()
                buffer.append(child.get_text(" ", strip=True))
                flush(heading=True)
                lines.append(Line(""))
                continue
            if name == "br":
                flush()
                continue
            if name in BLOCKS:
                flush()
                if name == "li":
                    buffer.append("• ")
                walk(child)
                flush()
                if name in ("p", "div", "ul", "ol", "table"):
                    lines.append(Line(""))
                continue
            walk(child)

    walk(soup.body or soup)
    flush()
    return lines


# --- DOCX -------------------------------------------------------------------------------------------------------------


def read_docx(data: bytes) -> list[Line]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            text = _clean(paragraph.text)
            if text:
                lines.append(Line(text, heading=style.lower().startswith(("heading", "title"))))
            lines.append(Line(""))
        elif tag == "tbl":
            table = Table(block, document)
            for row in table.rows:
                cells: list[str] = []
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    cells.append(_clean(cell.text.replace("\n", " ")))
                if any(cells):
                    lines.append(Line(_clean(" ".join(cells)), cells=tuple(cells)))
            lines.append(Line(""))
    return lines


# --- PDF --------------------------------------------------------------------------------------------------------------


def read_pdf(data: bytes) -> list[Line]:
    """Text lines in reading order, a blank line where the gap between lines shows a new paragraph, and each ruled table
    as rows of cells at its place on the page."""
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            placed: list[tuple[float, list[Line]]] = []
            for table in tables:
                rows = []
                for row in table.extract():
                    cells = tuple(_clean((c or "").replace("\n", " ")) for c in row)
                    if any(cells):
                        rows.append(Line(_clean(" ".join(cells)), cells=cells))
                placed.append((table.bbox[1], [Line(""), *rows, Line("")]))
            text_lines = [
                line for line in page.extract_text_lines(keep_blank_chars=False)
                if not any(b[0] - 1 <= line["x0"] and line["x1"] <= b[2] + 1 and b[1] - 1 <= line["top"] <= b[3] + 1
                           for b in boxes)
            ]
            heights = sorted(line["bottom"] - line["top"] for line in text_lines) or [10.0]
            typical = heights[len(heights) // 2]
            previous_bottom = None
            for line in text_lines:
                group = []
                if previous_bottom is not None and line["top"] - previous_bottom > typical * 0.6:
                    group.append(Line(""))
                size = max((c.get("size", 0) for c in line.get("chars", [])), default=0)
                bold = any("Bold" in (c.get("fontname") or "") for c in line.get("chars", [])[:3])
                group.append(Line(_clean(line["text"]), heading=bold and size >= typical * 0.95 and len(line["text"]) < 150))
                placed.append((line["top"], group))
                previous_bottom = line["bottom"]
            for _top, group in sorted(placed, key=lambda p: p[0]):
                lines.extend(group)
            lines.append(Line(""))
    return lines
