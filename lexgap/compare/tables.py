"""A comparison as tables: CSV (one row per State) and an XLSX workbook (one sheet per table)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..engine.assessment import LEVEL_LABELS
from .model import Cell, RegionalComparison
from .regional import STATUS_ORDER

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection guard)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _p(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


def _cell_pct(cell: Cell | None, field: str) -> float | str:
    """A heat-map cell's score or coverage in percent; empty for a State without the paragraph."""
    return "" if cell is None else _p(getattr(cell, field))


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def state_table(c: RegionalComparison) -> tuple[list[str], list[list[object]]]:
    """One row per State: summary columns, then each paragraph's score, coverage and level, then each
    criterion's outcome. Percentages are numbers from 0 to 100."""
    header = ["state", "code", "region", "fictional", "file", "date", "status", "pack_version", "rank", "rank_note",
              "legal_level", "legal_score_pct", "legal_coverage_pct", "legal_confirmed_score_pct",
              "engagement_level", "engagement_score_pct", "gaps", "binding_gaps", "icmec_sufficient",
              "icmec_C1", "icmec_C2", "icmec_C3", "icmec_C4", "icmec_C5"]
    for p in c.paragraphs:
        header += [f"OP{p.number}_score_pct", f"OP{p.number}_coverage_pct", f"OP{p.number}_confirmed_pct",
                   f"OP{p.number}_level"]
    header += [cr.criterion for cr in c.criteria]
    header.append("summary")
    rows = []
    for i, s in enumerate(c.states):
        row: list[object] = [s.name, s.code or "", s.region or "", "yes" if s.fictional else "no", s.file,
                             s.date.isoformat(), s.status, s.pack_version, s.rank if s.rank is not None else "",
                             s.rank_note, s.legal_level, _p(s.legal_score), _p(s.legal_coverage),
                             _p(s.legal_confirmed_score), s.engagement_level, _p(s.engagement_score), s.gaps,
                             s.binding_gaps, _yes_no(s.icmec_sufficient)]
        row += [s.icmec.get(k, "") for k in ("C1", "C2", "C3", "C4", "C5")]
        for p in c.paragraphs:
            cell = p.cells[i]
            row += ["", "", "", "absent"] if cell is None else [_p(cell.score), _p(cell.coverage),
                                                                  _p(cell.confirmed_score), cell.level]
        row += [cr.statuses[i] or "absent" for cr in c.criteria]
        row.append(s.summary)
        rows.append(row)
    return header, rows


def to_csv(c: RegionalComparison) -> str:
    """The State table as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read accents)."""
    header, rows = state_table(c)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return "\ufeff" + out.getvalue()


def to_xlsx(c: RegionalComparison) -> bytes:
    """A workbook: States, heat map, averages, common gaps, priorities, ICMEC, criteria matrix, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, header: list[str], rows: Sequence[Sequence[object]], widths: dict[int, int] | None = None):
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = wrap
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: never a formula
        ws.freeze_panes = "B2"
        for col, width in (widths or {}).items():
            ws.column_dimensions[get_column_letter(col)].width = width
        return ws

    wb.remove(wb.active)
    header, rows = state_table(c)
    sheet("States", header, rows, {1: 28, 5: 30, 10: 40, len(header): 90})
    heat_header = ["State"] + [f"OP{p.number}" for p in c.paragraphs]
    ws = sheet("Heat map", heat_header, [[s.name, *(_cell_pct(p.cells[i], "score") for p in c.paragraphs)]
                                         for i, s in enumerate(c.states)], {1: 28})
    for i in range(len(c.states)):
        for j, p in enumerate(c.paragraphs):
            cell = p.cells[i]
            target = ws.cell(row=i + 2, column=j + 2)
            if cell is None or cell.score is None or cell.coverage < c.min_coverage:
                target.fill = PatternFill("lightGray", fgColor="999999")
            else:
                shade = 255 - int(cell.score * 150)
                target.fill = PatternFill("solid", fgColor=f"{shade:02X}{shade:02X}FF")
    sheet("Coverage", heat_header, [[s.name, *(_cell_pct(p.cells[i], "coverage") for p in c.paragraphs)]
                                    for i, s in enumerate(c.states)], {1: 28})
    sheet("Averages", ["paragraph", "title", "kind", "average_score_pct", "states_scored", "average_coverage_pct",
                       "average_confirmed_score_pct"] + list(LEVEL_LABELS),
          [[p.number, p.title, p.assessment, _p(p.average_score), p.scored_states, _p(p.average_coverage),
            _p(p.average_confirmed_score)] + [p.levels.get(k, 0) for k in LEVEL_LABELS] for p in c.paragraphs],
          {2: 50})
    sheet("Common gaps", ["criterion", "paragraph", "title", "weight", "not_met", "partial", "unknown", "applicable",
                          "binding_gaps", "comparable", "states"],
          [[g.criterion, g.paragraph, g.title, g.weight, g.not_met, g.partial, g.unknown, g.applicable, g.binding_gaps,
            "yes" if g.comparable else "no", "; ".join(g.states)] for g in c.common_gaps], {3: 50, 11: 60})
    sheet("Priorities", ["recommendation", "title", "modality", "priority", "states", "share_pct", "binding_states",
                         "regional_format", "criteria", "paragraphs", "text", "state_names"],
          [[p.id, p.title, p.modality_label, p.priority, p.count, _p(p.share), p.binding_states, p.regional_format,
            ", ".join(p.criteria), ", ".join(str(x) for x in p.paragraphs), p.text, "; ".join(p.states)]
           for p in c.priorities], {2: 40, 8: 40, 11: 60, 12: 60})
    sheet("ICMEC", ["State", "C1", "C2", "C3", "C4", "C5", "sufficient", "verdict"],
          [[s.name] + [s.icmec.get(k, "") for k in ("C1", "C2", "C3", "C4", "C5")] + [_yes_no(s.icmec_sufficient),
                                                                                      s.icmec_verdict]
           for s in c.states], {1: 28, 8: 90})
    sheet("Criteria", ["criterion", "paragraph", "title", "weight", "comparable"] + [s.label for s in c.states]
          + list(STATUS_ORDER),
          [[cr.criterion, cr.paragraph, cr.title, cr.weight, "yes" if cr.comparable else "no"]
           + [st or "absent" for st in cr.statuses] + [cr.counts[k] for k in STATUS_ORDER] for cr in c.criteria],
          {3: 50})
    notes = [[n] for n in c.notes] + [[f"Left out: {lo.file}: {'; '.join(lo.problems)}"] for lo in c.left_out]
    notes += [[f"Pack {c.pack_id} version {v}: {', '.join(files)}"] for v, files in c.pack_versions.items()]
    ws = sheet("Notes", ["note"], notes, {1: 140})
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = wrap
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
