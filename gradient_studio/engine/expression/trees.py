"""Walking a SymEngine tree in a loop: trees may be hundreds of levels tall (the language
allows 100 levels, a derivative doubles them), too tall to recurse over on a small thread
stack."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import symengine as se

__all__ = ["postorder"]


def postorder(tree: se.Basic, skip: Callable[[se.Basic], bool] | None = None) -> Iterator[se.Basic]:
    """Each distinct node of ``tree`` after its arguments; a node for which ``skip`` is true
    is passed over with all below it."""
    seen: set[se.Basic] = set()
    stack: list[tuple[se.Basic, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            yield node
        elif node not in seen and not (skip and skip(node)):
            seen.add(node)
            stack.append((node, True))
            stack.extend((a, False) for a in node.args)
