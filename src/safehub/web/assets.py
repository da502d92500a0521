"""Install the front-end packages from npm and copy what the pages need into var/static-build.

Nothing third-party is committed: package.json and package-lock.json pin the versions; `npm ci` (or `npm install`) fetches them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

REPO_FILES = ("package.json", "package-lock.json")

# (source under node_modules, destination under the static build dir)
COPIES = [
    ("govuk-frontend/dist/govuk/govuk-frontend.min.css", "govuk/govuk-frontend.min.css"),
    ("govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"),
    ("govuk-frontend/dist/govuk/assets", "govuk/assets"),
    ("@ministryofjustice/frontend/moj/moj-frontend.min.css", "moj/moj-frontend.min.css"),
    ("@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("axe-core/axe.min.js", "axe/axe.min.js"),
    ("cytoscape/dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"),
]


class AssetsError(RuntimeError):
    pass


def project_root() -> Path:
    here = Path(settings.PACKAGE_DIR).parent.parent
    return here if (here / "package.json").exists() else Path.cwd()


def npm_install(root: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsError("npm is not installed: install Node.js and npm, then run `safehub assets` again.")
    command = [npm, "ci" if (root / "package-lock.json").exists() else "install", "--no-audit", "--no-fund"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise AssetsError(f"`{' '.join(command[1:])}` failed:\n{result.stderr[-2000:]}")


def build_assets(*, force_install: bool = False) -> Path:
    """Make sure node_modules exists and copy the needed files; returns the static build directory."""
    root = project_root()
    modules = root / "node_modules"
    if force_install or not all((modules / source).exists() for source, _ in COPIES):
        npm_install(root)
    out = Path(settings.STATIC_BUILD_DIR)
    out.mkdir(parents=True, exist_ok=True)
    # Temporary copies live beside the build directory, never inside it: whatever serves static files (WhiteNoise in
    # another test process, say) lists the build directory and must not meet a file that is about to be moved away.
    scratch = out.parent
    for source, destination in COPIES:
        src, dst = modules / source, out / destination
        if not src.exists():
            raise AssetsError(f"{src} is missing: run `npm ci` in {root}.")
        dst.parent.mkdir(parents=True, exist_ok=True)
        # Copy to a temporary name and rename, so a page served while this runs never sees half a file; and leave a
        # copy that is already up to date alone, so building twice changes nothing.
        if src.is_dir():
            if _same_tree(src, dst):
                continue
            tmp = Path(tempfile.mkdtemp(dir=scratch, prefix=".assets-"))
            shutil.copytree(src, tmp / "x")
            if dst.exists():
                shutil.rmtree(dst, ignore_errors=True)
            try:
                os.replace(tmp / "x", dst)
            except OSError:  # another worker won the race; its copy is identical
                pass
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            data = src.read_bytes()
            if destination.endswith(".css"):
                # GOV.UK Frontend's CSS points at /assets/; we serve it under the static URL.
                data = data.replace(b"/assets/", f"{settings.STATIC_URL}govuk/assets/".encode())
            if dst.is_file() and dst.read_bytes() == data:
                continue
            fd, tmp_name = tempfile.mkstemp(dir=scratch, prefix=".assets-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp_name, dst)
    return out


def _same_tree(src: Path, dst: Path) -> bool:
    """Whether `dst` already holds exactly `src`'s files (same relative paths and sizes)."""
    if not dst.is_dir():
        return False

    def listing(root: Path) -> dict[str, int]:
        return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}

    return listing(src) == listing(dst)


def assets_ready() -> bool:
    out = Path(settings.STATIC_BUILD_DIR)
    return all((out / destination).exists() for _, destination in COPIES)
