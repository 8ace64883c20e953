"""Exports from the window, written and read back; errors shown in a dialog, nothing partial."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from gradient_studio.ui import exporting

LEFT = Qt.MouseButton.LeftButton


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


def test_a_failed_save_says_why_and_asks_again_with_what_was_typed(monkeypatch, window, tmp_path):
    shown, asked = [], []
    target = tmp_path / "no" / "race.png"

    def answer(dialog):
        asked.append(dialog.path_edit.text())
        if len(asked) == 1:
            dialog.path_edit.setText(str(target))
            dialog.width_box.setValue(321)
            return QDialog.DialogCode.Accepted
        assert dialog.width_box.value() == 321  # everything typed is still there
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(exporting.SizeDialog, "exec", answer)
    monkeypatch.setattr(
        exporting, "show_error", lambda parent, title, error, path: shown.append((title, path))
    )
    window.menus.actions["export_image"].trigger()
    assert shown == [("Could not export race.png", target)]
    assert asked[1] == str(target)
    assert os.listdir(tmp_path) == []


def test_an_error_names_the_file_chosen_not_a_temporary_one(monkeypatch, window, tmp_path):
    messages = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: messages.append(box.informativeText()) or 0
    )

    def full_disk(path, **options):
        raise OSError(28, "No space left on device", str(tmp_path / ".race.png.x1y2.part"))

    monkeypatch.setattr(window, "export", full_disk)
    answers = iter([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
    monkeypatch.setattr(exporting.SizeDialog, "exec", lambda dialog: next(answers))
    monkeypatch.setattr(exporting, "default_folder", lambda: tmp_path)
    window.menus.actions["export_image"].trigger()
    (message,) = messages
    assert str(tmp_path / "race.png") in message and "No space left on device" in message
    assert ".part" not in message


def test_the_default_folder_exists(monkeypatch, tmp_path):
    from PySide6.QtCore import QStandardPaths

    pictures = tmp_path / "Pictures"
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda where: str(pictures))
    assert exporting.default_folder() == Path.home()  # no Pictures folder: home
    pictures.mkdir()
    assert exporting.default_folder() == pictures


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


def click_save_later(qtbot, steps):
    """Drive the next modal export dialog as a person would: for each name in ``steps``,
    type it and press Save, noting what the dialog says; Cancel at the end."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    said = []

    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, exporting.SizeDialog):
            QTimer.singleShot(10, act)
            return
        buttons = dialog.findChild(QDialogButtonBox)
        for name in steps:
            dialog.path_edit.setText(name)
            dialog.width_box.setValue(80)
            dialog.height_box.setValue(60)
            dialog.frames.setValue(2)
            qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Save), LEFT)
            problem = dialog.findChild(QLabel, "exportProblem")
            said.append(problem.text() if problem.isVisible() else None)
            if dialog.result() == QDialog.DialogCode.Accepted:
                return
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), LEFT)

    QTimer.singleShot(0, act)
    return said


@pytest.mark.parametrize(
    ("command", "wrong", "named"),
    [
        ("export_image", "race.csv", "Export Trajectories"),
        ("export_image", "race.json", "Export Trajectories"),
        ("export_image", "race.gif", "Export Animation"),
        ("export_animation", "race.png", "Export Image"),
        ("export_animation", "race.svg", "Export Image"),
        ("export_animation", "race.csv", "Export Trajectories"),
    ],
)
def test_each_dialog_refuses_another_commands_format_and_names_it(
    qtbot, window, tmp_path, command, wrong, named
):
    right = "race.png" if command == "export_image" else "race.gif"
    said = click_save_later(qtbot, [str(tmp_path / wrong), str(tmp_path / right)])
    window.menus.actions[command].trigger()
    assert said[0] is not None and named in said[0] and wrong[-4:] in said[0]
    assert said[1] is None
    assert os.listdir(tmp_path) == [right]  # the refused name was never written


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        ("race.txt", "Export Image writes PNG image (.png) or SVG drawing (.svg), not .txt"),
        ("race.PNG.zip", "not .zip"),
        ("folder/", "is a folder"),
        ("", "is a folder"),  # the test's own folder, which exists
    ],
)
def test_an_unknown_extension_or_a_folder_is_refused_in_the_dialog(
    qtbot, window, tmp_path, wrong, says
):
    said = click_save_later(qtbot, [f"{tmp_path}/{wrong}" if wrong else str(tmp_path)])
    window.menus.actions["export_image"].trigger()
    assert said[0] is not None and says in said[0]
    assert os.listdir(tmp_path) == []


def test_export_trajectories_refuses_a_picture_name_and_asks_again(monkeypatch, window, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    names = iter([str(tmp_path / "race.png"), str(tmp_path / "race.json")])
    told = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(names, ""), ""))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)
    window.menus.actions["export_trajectories"].trigger()
    assert len(told) == 1 and "Export Image" in told[0]
    assert os.listdir(tmp_path) == ["race.json"]


def recorded_writes(monkeypatch):
    """What the window asks the export package to write, instead of writing it."""
    import gradient_studio.export as export

    calls = []
    monkeypatch.setattr(
        export, "write", lambda path, result, **options: calls.append((path, options)) or path
    )
    return calls


def test_an_image_shows_the_step_on_screen_in_the_view_menus_style(monkeypatch, window):
    from gradient_studio.export import PictureStyle

    window.playback.seek(50)
    window.menus.actions["arrows"].trigger()
    calls = recorded_writes(monkeypatch)
    window.export("race.png", size=(64, 48))
    window.export("race.csv")
    (_, picture), (_, numbers) = calls
    assert picture["step"] == 50
    assert picture["style"] == PictureStyle(colormap="viridis", levels=20, arrows=True)
    assert numbers == {}  # a table of numbers has no step or style


@pytest.mark.parametrize(("choice", "step"), [("exportAtStep", 50), ("exportWholeRace", None)])
def test_export_image_draws_the_step_shown_or_the_whole_race(
    qtbot, monkeypatch, window, tmp_path, choice, step
):
    from PySide6.QtWidgets import QRadioButton

    window.playback.seek(50)
    calls = recorded_writes(monkeypatch)

    def answer(dialog):
        assert "step 50" in dialog.findChild(QRadioButton, "exportAtStep").text()
        dialog.findChild(QRadioButton, choice).setChecked(True)
        dialog.path_edit.setText(str(tmp_path / "race.png"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(exporting.SizeDialog, "exec", answer)
    window.menus.actions["export_image"].trigger()
    ((path, options),) = calls
    assert path == tmp_path / "race.png" and options["step"] == step


def test_a_picture_too_big_to_draw_is_refused_in_the_dialog_with_what_would_fit(
    qtbot, window, tmp_path
):
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = exporting.SizeDialog(
        window,
        "Export Animation",
        tmp_path / "race.gif",
        exporting.ANIMATION_FORMATS,
        (640, 480),
        animation=True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.frames.setValue(10_000)  # 3 billion pixels to draw
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save), LEFT
    )
    assert (
        dialog.isVisible()
        and "at most" in dialog.problem.text()
        and "frames" in dialog.problem.text()
    )
    dialog.frames.setValue(100)
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save), LEFT
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
