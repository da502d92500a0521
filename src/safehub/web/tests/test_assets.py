"""The static build: a second build changes nothing (so tests that serve static files never see it move), and no
temporary copy is ever made inside the build directory."""

from __future__ import annotations

from safehub.web.assets import build_assets


def test_building_twice_leaves_the_first_build_alone(settings, tmp_path, monkeypatch):
    settings.STATIC_BUILD_DIR = str(tmp_path / "static-build")
    out = build_assets()
    files = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*") if p.is_file()}
    assert files, "the build copied nothing"
    made_inside = []
    import tempfile

    real_mkdtemp, real_mkstemp = tempfile.mkdtemp, tempfile.mkstemp

    def watch_mkdtemp(*args, **kwargs):
        made_inside.append(kwargs.get("dir"))
        return real_mkdtemp(*args, **kwargs)

    def watch_mkstemp(*args, **kwargs):
        made_inside.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", watch_mkdtemp)
    monkeypatch.setattr(tempfile, "mkstemp", watch_mkstemp)
    build_assets()
    assert made_inside == []  # nothing to copy: everything was up to date
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*") if p.is_file()} == files


def test_changed_files_are_rebuilt_beside_not_inside_the_build(settings, tmp_path, monkeypatch):
    settings.STATIC_BUILD_DIR = str(tmp_path / "static-build")
    out = build_assets()
    stale = next(p for p in out.rglob("*.css"))
    stale.write_bytes(b"/* stale */")
    import tempfile

    dirs = []
    real_mkstemp = tempfile.mkstemp
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: dirs.append(k.get("dir")) or real_mkstemp(*a, **k))
    build_assets()
    assert stale.read_bytes() != b"/* stale */"
    assert dirs and all(out not in [d, *d.parents] for d in dirs)
    assert not list(out.rglob(".assets-*"))
