"""What a converter kept and skipped, for the summary its CLI prints."""
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class ConversionReport:
    """Counts of a conversion run.

    ``skipped`` counts inputs that produced no sample, by reason, and keeps
    a few example names per reason; ``notes`` counts oddities that were
    handled without dropping the sample (e.g. bodies discarded, frames
    capped).
    """

    kept: int = 0
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    examples: Dict[str, List[str]] = field(default_factory=dict)
    max_examples: int = 3

    def skip(self, reason: str, name: str) -> None:
        """Count ``name`` as skipped for ``reason``."""
        self.skipped[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < self.max_examples:
            shown.append(name)

    def note(self, key: str, count: int = 1) -> None:
        """Count ``count`` occurrences of the oddity ``key``."""
        if count:
            self.notes[key] += int(count)

    def format(self) -> str:
        """A short multi-line summary."""
        total = sum(self.skipped.values())
        lines = [f'kept {self.kept}, skipped {total}']
        for reason, count in sorted(self.skipped.items()):
            names = ', '.join(self.examples.get(reason, []))
            lines.append(f'  skipped ({reason}): {count}, e.g. {names}')
        if self.notes:
            lines.append('notes: ' +
                         ', '.join(f'{k} {v}'
                                   for k, v in sorted(self.notes.items())))
        return '\n'.join(lines)


def write_checked(data: Dict,
                  out: str,
                  report: ConversionReport,
                  num_classes: Optional[int] = None,
                  force: bool = False,
                  title: str = 'samples',
                  **check_options) -> int:
    """Check converted annotations, write them atomically and print the
    summary; the exit status of a converter CLI.

    Runs :func:`check_annotations` (``check_options`` go to it) and refuses
    to write when anything is wrong (status 1, the first 20 problems on
    stderr); otherwise writes ``out`` with :func:`atomic_dump` and prints
    the sample count, the split sizes, warnings about the splits and the
    report. Returns 0.
    """
    from usdrl_mm.datasets.annotation_checks import (check_annotations,
                                                     check_splits)
    from .io import atomic_dump
    problems = check_annotations(data['annotations'], num_classes,
                                 **check_options)
    if problems:
        print(
            'converted data failed the checks:\n  ' +
            '\n  '.join(problems[:20]),
            file=sys.stderr)
        return 1
    atomic_dump(data, out, force=force)
    print(f'{out}: {len(data["annotations"])} {title}')
    for key, names in data['split'].items():
        print(f'  {key}: {len(names)}')
    for problem in sum(check_splits(data['split'], data['annotations']), []):
        print(f'warning: {problem}')
    print(report.format())
    return 0
