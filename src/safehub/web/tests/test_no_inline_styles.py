"""The Content-Security-Policy allows no inline style or script: no page template may carry any (a browser would drop it
silently). Templates rendered to PDF by WeasyPrint are not served to browsers and may style themselves."""

from __future__ import annotations

import re
from pathlib import Path

import safehub

ROOT = Path(safehub.__file__).parent
INLINE = re.compile(r"""<style\b|\sstyle\s*=\s*["']|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def is_pdf_template(path: Path) -> bool:
    return "pdf" in path.parts or path.stem.endswith(("_pdf", "-pdf")) or "/pdf/" in path.as_posix()


def page_templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/templates/**/*.html") if not is_pdf_template(p))


def test_there_are_page_templates():
    assert len(page_templates()) > 50


def test_no_page_template_has_inline_style_or_script():
    offenders = []
    for path in page_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == [], "move these to web/static/web/safehub.css or a script file:\n" + "\n".join(offenders)
