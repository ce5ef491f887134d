"""What a converter kept and skipped, for the summary its CLI prints, and
the checks every converter CLI runs before it writes.

**Empty splits** are errors everywhere: ``tools/data/check_annotations.py``
fails on them and a dataset built on one has no sample, so a converter
refuses to write a file with an empty split too (a split list that the
conversion left without any sample, e.g. because every video of it was
skipped). ``--drop-empty-splits`` (:func:`add_drop_empty_splits_argument`)
writes the file without those splits instead, saying which it left out,
so what is written always passes the checker.
"""
import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple


@dataclass
class ConversionReport:
    """Counts of a conversion run.

    ``skipped`` counts inputs that produced no sample, by reason, and keeps
    a few example names per reason and the first detail (e.g. the error
    message of a malformed file) per reason; ``notes`` counts oddities that
    were handled without dropping the sample (e.g. bodies discarded, frames
    capped).
    """

    kept: int = 0
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    examples: Dict[str, List[str]] = field(default_factory=dict)
    details: Dict[str, str] = field(default_factory=dict)
    max_examples: int = 3

    def skip(self,
             reason: str,
             name: str,
             detail: Optional[str] = None) -> None:
        """Count ``name`` as skipped for ``reason``; ``detail`` says why
        (only the first one per reason is kept)."""
        self.skipped[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < self.max_examples:
            shown.append(name)
        if detail and reason not in self.details:
            self.details[reason] = detail

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
            if reason in self.details:
                lines.append(f'    first: {self.details[reason]}')
        if self.notes:
            lines.append('notes: ' +
                         ', '.join(f'{k} {v}'
                                   for k, v in sorted(self.notes.items())))
        return '\n'.join(lines)


def add_drop_empty_splits_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--drop-empty-splits`` (see the module docstring)."""
    parser.add_argument(
        '--drop-empty-splits',
        action='store_true',
        help='leave splits without any converted sample out of the output '
        '(by default an empty split is an error, as in check_annotations.py)')


def check_converted(data: Dict,
                    num_classes: Optional[int] = None,
                    drop_empty_splits: bool = False,
                    **check_options) -> Tuple[List[str], List[str]]:
    """``(errors, warnings)`` of converted annotations, as
    ``tools/data/check_annotations.py`` would find them in the written file.

    Runs :func:`check_annotations` (``check_options`` go to it) and
    :func:`check_splits`. With ``drop_empty_splits`` the empty splits are
    removed from ``data['split']`` (in place) and named in a warning;
    otherwise each is an error that says how to proceed.
    """
    from usdrl_mm.datasets.annotation_checks import (check_annotations,
                                                     check_splits)
    if not data['annotations']:
        return ['no sample was converted'], []
    errors = check_annotations(data['annotations'], num_classes,
                               **check_options)
    warnings: List[str] = []
    split = data['split']
    empty = [
        k for k, v in split.items()
        if isinstance(v, (list, tuple)) and len(v) == 0
    ]
    if empty and drop_empty_splits:
        for key in empty:
            del split[key]
        warnings.append(f'split(s) {empty} have no converted sample and are '
                        'left out of the file (--drop-empty-splits)')
        if not split:
            errors.append('no split has a converted sample')
    split_errors, split_warnings = check_splits(split, data['annotations'])
    errors += split_errors
    if empty and not drop_empty_splits:
        errors.append('an empty split fails check_annotations.py too; pass '
                      '--drop-empty-splits to write the file without it')
    return errors, warnings + split_warnings


def write_checked(data: Dict,
                  out: str,
                  report: ConversionReport,
                  num_classes: Optional[int] = None,
                  force: bool = False,
                  title: str = 'samples',
                  drop_empty_splits: bool = False,
                  **check_options) -> int:
    """Check converted annotations, write them atomically and print the
    summary; the exit status of a converter CLI.

    Runs :func:`check_converted` and refuses to write when anything is
    wrong, including an empty split (status 1: the first 20 problems and
    the report, so that what was skipped and why is shown, on stderr);
    otherwise writes ``out`` with :func:`atomic_dump` and prints the sample
    count, the split sizes, the warnings and the report. Returns 0.
    """
    from .io import atomic_dump
    errors, warnings = check_converted(data, num_classes, drop_empty_splits,
                                       **check_options)
    if errors:
        print_refusal(out, errors, report)
        return 1
    atomic_dump(data, out, force=force)
    print(f'{out}: {len(data["annotations"])} {title}')
    for key, names in data['split'].items():
        print(f'  {key}: {len(names)}')
    for warning in warnings:
        print(f'warning: {warning}')
    print(report.format())
    return 0


def write_converted(data: Dict,
                    report: ConversionReport,
                    args: argparse.Namespace,
                    num_classes: Optional[int] = None,
                    **check_options: Any) -> int:
    """:func:`write_checked` of a converter tool's result to ``args.out``,
    with its ``--force`` (:func:`usdrl_mm.apis.arguments.add_force_argument`)
    and ``--drop-empty-splits`` (:func:`add_drop_empty_splits_argument`);
    the exit status. ``num_classes`` and ``check_options`` (``title``,
    ``num_joints``, ...) go to ``write_checked``."""
    return write_checked(
        data,
        args.out,
        report,
        num_classes,
        force=args.force,
        drop_empty_splits=args.drop_empty_splits,
        **check_options)


def print_refusal(out: str,
                  errors: List[str],
                  report: Optional[ConversionReport] = None) -> None:
    """Tell on stderr why ``out`` was not written: the first 20
    ``errors`` and the ``report``."""
    print(
        f'error: {out} not written; the converted data failed the '
        'checks:\n  ' + '\n  '.join(errors[:20]),
        file=sys.stderr)
    if report is not None:
        print(report.format(), file=sys.stderr)
