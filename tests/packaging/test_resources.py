"""The app's resources and desktop metadata agree with the package.

The icon is found through ``gradient_studio.resources`` (importlib.resources), at every size,
as a real PNG of that size; the desktop entry and the AppStream file name the package's
command, icon and version. ``packaging/check.sh`` checks the same from a built wheel.
"""

import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from PIL import Image

import gradient_studio
from gradient_studio.resources import APP_ID, icon_file, icon_path, icon_paths, icon_sizes

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return dict(parser["Desktop Entry"])


@pytest.fixture(scope="module")
def metainfo() -> ET.Element:
    return ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()


def test_icon_comes_in_every_size_as_a_png_of_that_size():
    assert icon_sizes() == (16, 24, 32, 48, 64, 128, 256, 512)
    for size in icon_sizes():
        with Image.open(icon_path(size)) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            # A rounded tile: clear corners, an opaque middle.
            assert image.getpixel((0, 0))[3] == 0
            assert image.getpixel((size // 2, size // 2))[3] == 255


def test_icon_paths_lists_every_size_and_the_default_is_the_largest():
    paths = icon_paths()
    assert list(paths) == list(icon_sizes())
    assert icon_path() == paths[512] == icon_path(512)
    with pytest.raises(ValueError, match="16, 24"):
        icon_path(20)


def test_icons_are_package_resources_not_source_tree_paths():
    package = files("gradient_studio")
    for size in icon_sizes():
        resource = icon_file(size)
        assert resource.is_file()
        assert str(resource).startswith(str(package)), resource
        assert Path(str(resource)).is_relative_to(Path(gradient_studio.__file__).parent)


def test_resources_module_imports_no_qt():
    code = (
        "import sys, gradient_studio.resources as r; r.icon_paths(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]; "
        "print(bad); sys.exit(bool(bad))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_pngs_are_rendered_from_the_current_svgs():
    run = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("name", ["gradient-studio.svg", "gradient-studio-small.svg"])
def test_svg_sources_are_square_svg_documents(name):
    root = ET.parse(ROOT / "resources" / "icon" / name).getroot()
    assert root.tag == f"{SVG}svg"
    x, y, w, h = map(float, root.get("viewBox").split())
    assert (x, y) == (0, 0) and w == h
    assert root.find(f"{SVG}title").text == "Gradient Studio"


def test_desktop_entry_runs_the_installed_command_with_the_app_icon(desktop_entry, project):
    assert desktop_entry["Type"] == "Application"
    command = desktop_entry["Exec"].split()[0]
    assert command in project["scripts"]
    assert project["scripts"][command] == "gradient_studio.cli:entry"
    assert desktop_entry["Icon"] == APP_ID
    assert desktop_entry["Terminal"] == "false"
    assert {"Education", "Science", "Math"} <= set(desktop_entry["Categories"].split(";"))


def test_metainfo_names_the_app_its_desktop_entry_and_its_command(metainfo, project):
    assert metainfo.get("type") == "desktop-application"
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert metainfo.findtext("provides/binary") in project["scripts"]
    assert metainfo.findtext("project_license") == project["license"]
    screenshot = metainfo.findtext("screenshots/screenshot/image")
    assert screenshot.startswith("https://")
    assert screenshot.endswith("/resources/screenshots/window.png")
    with Image.open(ROOT / "resources" / "screenshots" / "window.png") as image:
        assert image.format == "PNG"
        assert image.width >= 1248  # AppStream's smallest recommended width


def test_metainfo_newest_release_is_the_package_version(metainfo):
    releases = metainfo.findall("releases/release")
    assert releases, "the metainfo lists no release"
    newest = releases[0]  # AppStream lists releases newest first
    assert newest.get("version") == gradient_studio.__version__
    date.fromisoformat(newest.get("date"))
    assert newest.find("description/p") is not None
    versions = [tuple(map(int, re.findall(r"\d+", r.get("version")))) for r in releases]
    assert versions == sorted(versions, reverse=True)
