"""Sessions: what a slider step, a save and an open cost, beside the plain Python baselines
they sit on (a bare dataclasses.replace, json.dumps/json.loads of the same document).

    .venv/bin/python tests/benchmarks/bench_session.py
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timing import median_ms

from gradient_studio.session import Session, files
from gradient_studio.session.changes import describe_change, what_changed
from gradient_studio.session.sharing import from_share_text, share_text


@dataclasses.dataclass(frozen=True)
class Bare:
    lr: float = 0.1
    steps: int = 10


def main() -> None:
    s = Session.default()
    text = files.dumps(s)
    doc = json.loads(text)
    share = share_text(s)
    folder = Path(tempfile.mkdtemp())
    bare = Bare()
    rows = [
        (
            "one slider step: with_hyperparameter",
            lambda: s.with_hyperparameter("adam", "lr", 0.07),
            "dataclasses.replace of 2 fields",
            lambda: dataclasses.replace(bare, lr=0.2),
        ),
        (
            "what_changed + describe_change",
            lambda: (what_changed(s, s.with_steps(9)), describe_change(s, s.with_steps(9))),
            "dataclasses.replace of 2 fields",
            lambda: dataclasses.replace(bare, lr=0.2),
        ),
        (
            "files.dumps (canonical text)",
            lambda: files.dumps(s),
            "json.dumps of the document",
            lambda: json.dumps(doc, indent=2),
        ),
        (
            "files.save (atomic)",
            lambda: files.save(s, folder / "s.gstudio"),
            "Path.write_text of it",
            lambda: (folder / "t.json").write_text(text),
        ),
        (
            "files.loads (checked, parsed)",
            lambda: files.loads(text),
            "json.loads of it",
            lambda: json.loads(text),
        ),
        (
            "from_share_text",
            lambda: from_share_text(share),
            "json.loads of it",
            lambda: json.loads(text),
        ),
    ]
    print(f"{'what':<40} {'median ms':>10}   {'baseline':<30} {'ms':>8}")
    for name, fn, base_name, base in rows:
        ours, theirs = median_ms(fn, 200), median_ms(base, 200)
        print(f"{name:<40} {ours:>10.3f}   {base_name:<30} {theirs:>8.4f}")


if __name__ == "__main__":
    main()
