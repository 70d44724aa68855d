"""Mutations of interchange files, for the fuzz test and the longer fuzz run in benchmarks/.

Each mutation starts from a real file (the demo sheets) and breaks one thing the
way files get broken: a key lost, a value of another type or size, odd strings,
bytes cut or flipped in transit, another version number, a stale base.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

WEIRD_STRINGS = [
    "", " ", "\u3000", "\ud800", "a\x00b", "\x1b[31m", "𠮟𩸽", "葛󠄀", "‮rtl", "\r\n" * 50, "－", "9" * 5000,
    "１５，０１５", "令和元年6月", "平成31年5月", "2018-13", "1e999", "NaN", "-0", "△3", "x" * 200_000,
]
WEIRD_VALUES: list[Any] = [
    None, True, False, 0, -1, 2**63, -(2**63) - 1, 10**30, 1.5, -0.0, 1e308, [], {}, [1, 2], ["a", None],
    {"a": 1}, *WEIRD_STRINGS,
]
TOP_KEYS = ["format", "schema_version", "sheet", "values", "computed", "sha256"]


def _pick_value(rng: random.Random) -> Any:
    return copy.deepcopy(rng.choice(WEIRD_VALUES))


def mutate(doc: dict[str, Any], rng: random.Random) -> bytes:
    """One randomly broken version of ``doc``, as the bytes of a file."""
    d = copy.deepcopy(doc)
    if rng.random() < 0.7:
        d.pop("sha256", None)  # most mutations should get past the digest check
    kind = rng.randrange(12)
    values = d.get("values") if isinstance(d.get("values"), dict) else {}
    if kind == 0 and values:
        values[rng.choice(sorted(values))] = _pick_value(rng)
    elif kind == 1:
        d[rng.choice(TOP_KEYS)] = _pick_value(rng)
    elif kind == 2:
        d.pop(rng.choice(TOP_KEYS), None)
    elif kind == 3 and isinstance(d.get("sheet"), dict):
        d["sheet"][rng.choice(["uuid", "status", "created", "updated", "base", "extra"])] = _pick_value(rng)
    elif kind == 4:
        d["schema_version"] = rng.choice([0, 1, 2, 3, 1.0, "1", None, True, 2**70])
        if d["schema_version"] == 2 and isinstance(d.get("sheet"), dict):
            d["sheet"]["base"] = rng.choice([{"digest": "0" * 64}, {"digest": "x"}, "base", {"digest": "0" * 64,
                                                                                            "revision": -1}])
    elif kind == 5 and values:
        for key in rng.sample(sorted(values), k=min(len(values), rng.randint(1, 5))):
            values[key] = rng.choice(WEIRD_STRINGS)
    elif kind == 6:
        d["format"] = rng.choice(["mofa-r01", "mofa-h30", "mofa-r99", "", {}, [], None, 1])
    elif kind == 7 and values:
        values[rng.choice(["no_such_field", "c3_2_diff", "__proto__", "\ud800", ""])] = _pick_value(rng)
    elif kind == 8 and values:
        key = rng.choice(sorted(values))
        values[key] = rng.choice([str(rng.randint(-10**6, 10**30)), rng.randint(-10**6, 10**30), "1" * 4400])
    raw = json.dumps(d, ensure_ascii=rng.random() < 0.3).encode("utf-8", "surrogatepass")
    if kind == 9 and raw:
        cut = rng.randrange(len(raw))
        raw = raw[:cut]
    elif kind == 10 and raw:
        b = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        raw = bytes(b)
    elif kind == 11:
        raw = rng.choice([b"", b"\xef\xbb\xbf" + raw, b"[" * 50_000, b'{"a": ' + b"9" * 5000 + b"}", b"\x00" * 100,
                          raw.replace(b'"draft"', b'"complete"')])
    return raw
