"""A generated fiscal year of sheets, as the evaluation office receives them.

Several organisations with two or three contributions each (based on the demo
令和元年度 sheet), with planted problems the year check must find: shared fields
(3-2, 4-1) that differ between sheets on one organisation, an organisation name
written differently (full-width, spacing) that normalises to the same one, open
review comments, a missing rating and optionally one contribution twice.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core import interchange
from desktop.core.definition import get_form
from desktop.core.store import Comment

ROOT = Path(__file__).resolve().parents[2]
DEMO_R01 = ROOT / "resources" / "demo" / "000_iom_r01.json"
GRADES = "ABCD"


@dataclass
class GeneratedYear:
    year: int
    docs: list[dict[str, Any]] = field(default_factory=list)
    differing: set[tuple[str, str]] = field(default_factory=set)  # (organisation, field id) planted to differ
    commented: list[str] = field(default_factory=list)  # uuids of sheets with an open comment
    missing_rating: list[str] = field(default_factory=list)  # uuids of sheets without c2_rating
    duplicates: list[str] = field(default_factory=list)  # uuids of a contribution given twice
    organizations: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, doc in enumerate(self.docs):
            path = folder / f"{i:04d}_{doc['sheet']['uuid'][:8]}.json"
            path.write_text(interchange.dumps(doc), encoding="utf-8")
            paths.append(path)
        return paths


def make_year(n_sheets: int = 90, year: int = 2019, *, duplicate: bool = False, seed: int = 0,
              text_chars: int | None = 160) -> GeneratedYear:
    """``text_chars``: long texts cut to this length (short sheets print fast); ``None`` keeps them."""
    base = json.loads(DEMO_R01.read_text(encoding="utf-8"))["values"]
    form = get_form("mofa-r01")
    if text_chars is not None:
        for f in form.input_fields:
            if f.type == "text" and isinstance(base.get(f.id), str):
                base[f.id] = base[f.id][:text_chars]
    out = GeneratedYear(year)
    sheet_no = 0
    org_no = 0
    while sheet_no < n_sheets:
        org_no += 1
        org = f"国際機関{org_no:03d}（ＯＲＧ{org_no}）"
        out.organizations.append(org)
        count = min(2 + org_no % 2, n_sheets - sheet_no)
        for k in range(count):
            sheet_no += 1
            values = dict(base)
            values["sheet_fiscal_year"] = year
            values["sheet_page_or_serial"] = sheet_no
            # the same organisation written three ways: NFKC and whitespace make them one
            values["recipient_org_name"] = [org, f" 国際機関{org_no:03d}(ORG{org_no}) ", f"国際機関{org_no:03d}　（ＯＲＧ{org_no}）"][k]
            values["contribution_name"] = f"{org}拠出金（事業{k + 1}）"
            values["contribution_form"] = "イヤマーク" if (sheet_no + seed) % 3 else "ノンイヤマーク"
            if values["contribution_form"] == "ノンイヤマーク":
                for fid in [f.id for f in form.input_fields if f.id.startswith(("c3_3_", "c1_4_"))]:
                    values.pop(fid, None)
            values["initial_budget_kyen"] = 1000 * (sheet_no % 17 + 1) + org_no
            values["c3_2_budget"] = 1_000_000 * org_no
            values["overall_rating"] = GRADES[(sheet_no * 7 + seed) % 4]
            for i, crit in enumerate(("c1_rating", "c2_rating", "c3_rating", "c4_rating")):
                values[crit] = GRADES[(sheet_no + i + seed) % 3]
            status = "complete"
            if org_no % 7 == 3 and k == count - 1:  # planted: 3-2 budget differs
                values["c3_2_budget"] += 5_000
                out.differing.add((org, "c3_2_budget"))
            if org_no % 11 == 5 and k == 1:  # planted: 4-1 Japanese staff differs
                values["c4_1_jp_staff"] = 31
                out.differing.add((org, "c4_1_jp_staff"))
            uid = str(uuid.UUID(int=(sheet_no << 96) + seed))
            review = []
            if sheet_no % 13 == 4:  # planted: an open comment
                stamp = f"{year + 1}-05-0{1 + sheet_no % 8}T09:00:00.000+00:00"
                review.append(Comment(id=str(uuid.UUID(int=(sheet_no << 96) + (1 << 64) + seed)), sheet_id=0,
                                      field_id="c3_2_budget", author="評価室 検査", created=stamp,
                                      text="3-2 の予算額を機関全体の数字と照合してください。", updated=stamp))
                out.commented.append(uid)
                status = "draft"
            if sheet_no % 29 == 10:  # planted: a rating left empty
                values.pop("c2_rating")
                out.missing_rating.append(uid)
                status = "draft"
            meta = {"uuid": uid, "status": status, "created": f"{year + 1}-04-01T00:00:00.000+00:00",
                    "updated": f"{year + 1}-04-02T00:00:00.000+00:00"}
            out.docs.append(interchange.build_document(form, values, meta, review=review))
            if duplicate and sheet_no == 2:
                twin = dict(values)
                twin["contribution_name"] = " " + values["contribution_name"].replace("（", "(").replace("）", ")")
                tuid = str(uuid.UUID(int=((10_000 + sheet_no) << 96) + seed))
                out.docs.append(interchange.build_document(form, twin, {**meta, "uuid": tuid, "status": "draft"}))
                out.duplicates = [uid, tuid]
    return out
