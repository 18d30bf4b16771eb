"""Schemathesis hooks for `make fuzz-api` (loaded through SCHEMATHESIS_HOOKS).

U+0000 in a string reached Postgres, which refuses it, and came back as a 500 on several
routes, yet Schemathesis never found it: with 30 examples an operation, strings drawn
from all of Unicode almost never hold that one character (300 examples found it once, on
login). So one call in four gets U+0000 in the middle of one of its strings — a body
field at any depth, a query parameter or a path parameter, taking each in turn. The spec
refuses U+0000 in every string (docs/api.md, "Text"), so Schemathesis revalidates the
changed case as negative and checks that it is refused with a 4xx, never a 5xx.

Header values are sent as generated, bytes 0x80-0xFF (obs-text) included: the Spin on
these machines hands them to the app (stock Spin 4.0.2 answered them with a bare 500
before any component ran; docs/fuzzing.md).
"""

import copy
import itertools

import schemathesis
from schemathesis.core.parameters import CONTAINER_TO_LOCATION

EVERY = 4
_calls = itertools.count()


def _strings(value, path=()):
    """The paths of every string inside a JSON-like value."""
    if isinstance(value, str) and path:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _with_nul(container, path):
    """A copy of `container` with U+0000 in the middle of the string at `path`. A copy,
    not an edit in place: Schemathesis compares the part with what it generated to
    decide what to validate again, and an edit in place would change both."""
    changed = copy.deepcopy(container)
    *parents, last = path
    slot = changed
    for step in parents:
        slot = slot[step]
    text = slot[last]
    slot[last] = text[: len(text) // 2] + "\x00" + text[len(text) // 2 :]
    return changed


@schemathesis.hook
def before_call(context, case, **kwargs):
    call = next(_calls)
    if call % EVERY:
        return
    # Only where Schemathesis tracks how a part was generated does it revalidate the
    # changed part and judge the answer by what the spec says of it (the examples phase
    # tracks none).
    meta = case.meta
    tracked = meta.components if meta is not None else {}
    slots = [
        (name, path)
        for name in ("body", "query", "path_parameters")
        if CONTAINER_TO_LOCATION[name] in tracked
        for path in _strings(getattr(case, name, None))
    ]
    if slots:
        name, path = slots[(call // EVERY) % len(slots)]
        setattr(case, name, _with_nul(getattr(case, name), path))
