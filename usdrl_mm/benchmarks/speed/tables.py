"""Markdown tables of speed results; every rate column says what it
counts (see :mod:`.rates`)."""
from typing import Callable, Dict, List, Sequence, Tuple

from .flops import flop_columns

Column = Tuple[str, Callable[[Dict], str]]


def markdown_table(columns: Sequence[Column], rows: Sequence[Dict]) -> str:
    """A markdown table: one ``(header, format(row))`` per column."""
    lines = [
        '| ' + ' | '.join(header for header, _ in columns) + ' |',
        '|' + '---|' * len(columns)
    ]
    for row in rows:
        lines.append('| ' + ' | '.join(fmt(row) for _, fmt in columns) + ' |')
    return '\n'.join(lines)


def rate_columns(prefix: str = '') -> List[Column]:
    """The ``samples/s`` and ``clips/s`` columns of ``prefix``-ed rates."""
    return [
        ('samples/s', lambda r: f"{r[prefix + 'samples_per_s']:.1f}"),
        ('clips/s (clips per sample)',
         lambda r: f"{r[prefix + 'clips_per_s']:.1f} ({r['clips_per_sample']})"
         ),
    ]


def step_columns(prefix: str = '') -> List[Column]:
    """Median and mean +- std of the step times, in seconds."""
    return [
        ('s / step (median)', lambda r: f"{r[prefix + 'step_s_median']:.4f}"),
        ('s / step (mean +- std)', lambda r:
         f"{r[prefix + 'step_s_mean']:.4f} +- {r[prefix + 'step_s_std']:.4f}"),
    ]


def memory_column() -> Column:
    """Peak memory as :mod:`.memory` defines it (``peak_mem_kind``)."""
    return ('peak memory (MiB)', lambda r: f"{r['peak_mem_mib']:.0f}")


def comparison_table(rows: Sequence[Dict],
                     name: Column,
                     comparison: Column,
                     step_digits: int = 4) -> str:
    """The markdown table of rows that compare whole steps: the step's
    ``name``, its precision, the median s/step (``step_digits`` decimals),
    the rates, the ``comparison`` column, the FLOP columns and the peak
    memory."""
    columns = [
        name,
        ('precision', lambda r: r['precision']),
        ('s / step (median)',
         lambda r: f"{r['step_s_median']:.{step_digits}f}"),
        *rate_columns(),
        comparison,
        *flop_columns(),
        memory_column(),
    ]
    return markdown_table(columns, rows)
