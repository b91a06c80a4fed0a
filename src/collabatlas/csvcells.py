"""CSV cells that a spreadsheet cannot run: OWASP's CSV-injection rule, reversibly.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading ``'``, so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. A
cell that already begins with ``'`` gets one too, so :func:`restore` gives back exactly what was
written: every CSV collabatlas writes goes through :func:`neutralise`, and the corrections file is
read back through :func:`restore`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_RISKY = r"^[=+\-@\t\r']"
COLUMN_NOTE = (
    "text cells beginning with =, +, -, @, tab, carriage return or ' carry one extra leading ' "
    "(OWASP's CSV-injection rule: spreadsheets show them as text); drop it to get the value"
)


def neutralise(value: str) -> str:
    """``value`` safe to open in a spreadsheet (a leading ``'`` when it could start a formula)."""
    return QUOTE + value if value.startswith((*TRIGGERS, QUOTE)) else value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given."""
    return value[1:] if value.startswith(QUOTE) else value


def neutralise_table(table: pa.Table) -> pa.Table:
    """``table`` with every string cell neutralised (other types are left as they are)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, _RISKY), False)
            column = pc.if_else(risky, pc.binary_join_element_wise(QUOTE, column, ""), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)
