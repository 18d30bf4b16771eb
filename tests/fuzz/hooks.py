"""Schemathesis hooks for `make fuzz-api` (loaded through SCHEMATHESIS_HOOKS).

Spin 4.0.2 answers a request with any non-UTF-8 header value (bytes 0x80-0xFF, legal in
HTTP as obs-text) with a bare 500 before a component runs: the app never sees it, so it
cannot answer 400. Header values are kept ASCII here, so the fuzzer finds the app's faults
rather than that one of the host (docs/fuzzing.md).
"""

import schemathesis


@schemathesis.hook
def before_call(context, case, **kwargs):
    for name, value in list((case.headers or {}).items()):
        if isinstance(value, str) and not value.isascii():
            case.headers[name] = value.encode("ascii", "replace").decode("ascii")
