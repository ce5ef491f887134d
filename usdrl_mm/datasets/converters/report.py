"""What a converter kept and skipped, for the summary its CLI prints."""
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List


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
