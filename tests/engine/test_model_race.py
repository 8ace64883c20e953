"""A race on a model's loss, described plainly: defaults from the preset, a record that
repeats the run exactly, and data named by its checksum."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gradient_studio.engine import OptimizerChoice
from gradient_studio.engine.data import DATASETS, DataError
from gradient_studio.engine.models import ModelRace


def test_a_preset_fills_in_everything():
    race = ModelRace.create(preset="deep-chain")
    assert race.function == "w^L*x + b" and race.axes == ("w", "b")
    assert race.objective().values == {"L": 8.0}
    assert [c.name for c in race.optimizers] == ["sgd", "adam"]
    assert race.dataset is DATASETS["deep-chain"].load()


def test_a_built_in_datasets_own_model_takes_its_presets_view():
    race = ModelRace.create(model="w*x + b", data=DATASETS["linear"].load())
    assert race.xrange == (-1.0, 4.0) and race.starts == ((0.2, -8.0),)
    other = ModelRace.create(model="w2*w1*x", data=DATASETS["linear"].load())
    assert other.xrange == (-2.0, 2.0)  # no preset for it, not linear: the default view


@pytest.mark.parametrize("batch", [None, 5])
def test_the_record_repeats_the_run_exactly(batch, tmp_path):
    data = DATASETS["tanh-unit"].load()
    path = tmp_path / "tanh.csv"
    path.write_text(data.to_csv(), encoding="utf-8")
    from gradient_studio.engine.data import load_csv

    race = ModelRace.create(
        model="w2*tanh(w1*x)",
        data=load_csv(path),
        axes=("w1", "w2"),
        normalize=True,
        optimizers=[OptimizerChoice("adam", {"lr": 0.05})],
        starts=[(0.3, -0.4)],
        steps=60,
        batch_size=batch,
        seed=11,
    )
    record = json.loads(json.dumps(race.to_dict()))
    assert record["dataset"]["source"] == str(path)
    assert record["dataset"]["standardized"]["raw_checksum"] == data.checksum
    assert record["batch_size"] == (batch or 40) and record["seed"] == 11
    again = ModelRace.from_dict(record)
    assert again.to_dict() == race.to_dict()
    a, b = race.run().trajectories[0], again.run().trajectories[0]
    assert np.array_equal(a.points, b.points)


def test_a_record_whose_file_has_changed_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n2,4\n3,5\n", encoding="utf-8")
    from gradient_studio.engine.data import load_csv

    record = ModelRace.create(model="w*x + b", data=load_csv(path)).to_dict()
    path.write_text("x,y\n1,2\n2,4\n3,6\n", encoding="utf-8")
    with pytest.raises(DataError, match="is not the data of this run"):
        ModelRace.from_dict(record)


def test_model_mode_loads_no_qt():
    code = (
        "import sys\n"
        "from gradient_studio.engine.models import ModelRace\n"
        "for p in ('linear-regression', 'tanh-unit'):\n"
        "    ModelRace.create(preset=p, batch_size=4).run()\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in qt)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_race_too_long_for_its_rows_is_refused_up_front():
    from gradient_studio.engine.data import Dataset

    x = np.linspace(-2.0, 2.0, 100_000)
    data = Dataset("big", x, np.tanh(x))
    three = [OptimizerChoice(n) for n in ("sgd", "momentum", "adam")]
    with pytest.raises(ValueError, match="3 runs × 10,001 steps over 100,000 rows"):
        ModelRace.create(model="w2*tanh(w1*x)", data=data, optimizers=three, steps=10_000)
    # the same on the moment path costs nothing per row: allowed
    ModelRace.create(model="w*x + b", data=data, optimizers=three, steps=10_000)
    objective = ModelRace.create(model="w2*tanh(w1*x)", data=data, steps=10).objective()
    assert objective.picture_shape((1200, 1200)) == (48, 48)  # a picture's grid is bounded


def test_a_linear_model_on_its_own_data_is_framed_around_its_least_squares_minimum():
    from gradient_studio.engine.data import parse_csv

    data = parse_csv("hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n")
    race = ModelRace.create(model="w*x + b", data=data)
    design = np.column_stack([data.x, np.ones_like(data.x)])
    w, b = np.linalg.lstsq(design, data.y, rcond=None)[0]
    assert race.xrange[0] < w < race.xrange[1] and race.yrange[0] < b < race.yrange[1]
    ((x, y),) = race.starts
    assert race.xrange[0] < x < race.xrange[1] and race.yrange[0] < y < race.yrange[1]
    # a model not linear in its weights keeps the default view; so does a range given
    assert ModelRace.create(model="w2*tanh(w1*x)", data=data).xrange == (-2.0, 2.0)
    assert ModelRace.create(model="w*x + b", data=data, xrange=(0, 1)).yrange == (-2.0, 2.0)
