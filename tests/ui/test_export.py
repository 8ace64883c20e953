"""Exports from the window, written and read back; errors shown in a dialog, nothing partial."""

from __future__ import annotations

import csv
import json
import os

import pytest
from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog

from gradient_studio.ui import exporting


def test_png_has_the_size_asked_for(window, tmp_path):
    path = window.export(tmp_path / "race.png", size=(320, 240))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (320, 240)
    assert os.listdir(tmp_path) == ["race.png"]


def test_svg_is_written(window, tmp_path):
    path = window.export(tmp_path / "race.svg", size=(400, 300))
    assert path.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))


def test_csv_has_a_row_per_step_of_every_run(window, tmp_path):
    path = window.export(tmp_path / "race.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    runs = window.result.trajectories
    assert len(rows) == sum(t.stop + 1 for t in runs)
    assert {r["optimizer"] for r in rows} == {"sgd", "momentum", "adam"}
    assert float(rows[0]["x"]) == pytest.approx(runs[0].start[0])


def test_json_describes_the_race_on_screen(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        window.set_start(0.5, 2.5)
    record = json.loads(window.export(tmp_path / "race.json").read_text(encoding="utf-8"))
    assert record["race"]["preset"] == "rosenbrock"
    assert record["race"]["starts"] == [[0.5, 2.5]]
    assert record["race"]["parameters"] == {"a": 1.0, "b": 100.0}
    assert [r["optimizer"] for r in record["runs"]] == ["sgd", "momentum", "adam"]


def test_gif_has_the_frames_asked_for(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        window.findChild(object, "stepsSpin").setValue(40)
    path = window.export(tmp_path / "race.gif", size=(160, 120), frames=6, fps=10)
    with Image.open(path) as gif:
        assert gif.size == (160, 120)
        assert 2 <= gif.n_frames <= 6


def test_an_unwritable_folder_is_an_error_and_leaves_nothing(window, tmp_path):
    with pytest.raises(OSError):
        window.export(tmp_path / "missing" / "race.png", size=(64, 64))
    assert os.listdir(tmp_path) == []


def test_the_menu_shows_an_error_dialog(monkeypatch, window, tmp_path):
    shown = []
    monkeypatch.setattr(exporting.SizeDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(exporting.SizeDialog, "path", lambda self: tmp_path / "no" / "race.png")
    monkeypatch.setattr(exporting, "show_error", lambda parent, title, error: shown.append(title))
    window.menus.actions["export_image"].trigger()
    assert shown == ["Could not export race.png"]
    assert os.listdir(tmp_path) == []


def test_the_menu_exports_an_animation(monkeypatch, qtbot, window, tmp_path):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        window.findChild(object, "stepsSpin").setValue(30)
    target = tmp_path / "race.gif"

    def accept(dialog):
        dialog.path_edit.setText(str(target))
        dialog.width_box.setValue(120)
        dialog.height_box.setValue(90)
        dialog.frames.setValue(4)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(exporting.SizeDialog, "exec", accept)
    window.menus.actions["export_animation"].trigger()
    with Image.open(target) as gif:
        assert gif.size == (120, 90)
    assert "Exported" in window.statusBar().currentMessage()
