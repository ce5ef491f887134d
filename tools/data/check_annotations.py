"""Check a PoseDataset annotation pickle and report every problem.

    python tools/data/check_annotations.py data/skeleton/ntu60_3d.pkl \
        --layout nturgb+d --num-classes 60

Reports, with the sample names: missing keys, keypoint shapes that
disagree with ``total_frames`` or ``keypoint_score``, NaN/inf values,
samples without any skeleton data, labels out of range, empty or unknown
splits, duplicate names, and a joint count that does not match the layout
(or differs between samples). Warnings (all-zero second persons, split
names without an annotation, 2D data without ``img_shape``) are printed
too; see ``usdrl_mm/datasets/annotation_checks.py`` for the severities
(the converters refuse to write an empty split for the same reason).
Prints a summary and exits 1 when there is any error (or any warning with
``--strict``), 0 otherwise.
"""
import argparse
import sys
from collections import Counter
from typing import Any, List, Optional

import numpy as np

from usdrl_mm.apis.cli import load_input_pickle, print_error, report_errors
from usdrl_mm.datasets.annotation_checks import check_annotation_file
from usdrl_mm.fileio import add_trust_pickle_argument
from usdrl_mm.structures import get_layout, list_layouts
from usdrl_mm.utils.imports import add_import_argument, import_modules


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file', help='annotation .pkl')
    parser.add_argument(
        '--layout',
        help='skeleton layout the joints must match: ' +
        ', '.join(list_layouts()) + ', or one registered by --import')
    add_import_argument(parser)
    parser.add_argument(
        '--num-classes', type=int, help='labels must lie in [0, K)')
    parser.add_argument(
        '--no-label',
        action='store_true',
        help='unlabelled data (pretraining): do not require "label"')
    parser.add_argument(
        '--strict', action='store_true', help='fail on warnings too')
    parser.add_argument(
        '--max-shown',
        type=int,
        default=0,
        help='print at most this many errors and warnings each (0: all)')
    add_trust_pickle_argument(parser)
    return parser.parse_args(argv)


def summarize(data: Any) -> List[str]:
    """A few lines describing the file's content (valid samples only)."""
    annotations = data.get('annotations', []) if isinstance(data, dict) \
        else data if isinstance(data, list) else []
    kps = [
        a['keypoint'] for a in annotations
        if isinstance(a, dict) and isinstance(a.get('keypoint'), np.ndarray)
        and a['keypoint'].ndim == 4
    ]
    lines = [f'samples: {len(annotations)}']
    splits = data.get('split') if isinstance(data, dict) else None
    if isinstance(splits, dict):
        lines.append('splits: ' + (', '.join(
            f'{k} {len(v) if isinstance(v, (list, tuple)) else "?"}'
            for k, v in splits.items()) or 'none'))
    if kps:
        joints = Counter(k.shape[2] for k in kps)
        persons = Counter(k.shape[0] for k in kps)
        channels = Counter(k.shape[3] for k in kps)
        frames = np.array([
            a.get('total_frames', 0) for a in annotations
            if isinstance(a, dict) and isinstance(a.get('total_frames'), int)
        ] or [0])
        matching = {
            v: [n for n in list_layouts() if get_layout(n).num_joints == v]
            for v in joints
        }
        lines.append('joints: ' + ', '.join(
            f'V={v} ({n} samples; layouts {matching[v] or "none"})'
            for v, n in sorted(joints.items())))
        lines.append('persons: ' +
                     ', '.join(f'M={m} {n}'
                               for m, n in sorted(persons.items())))
        lines.append(
            'channels: ' + ', '.join(f'C={c} {n}'
                                     for c, n in sorted(channels.items())) +
            f'; keypoint_score in '
            f'{sum("keypoint_score" in a for a in annotations)} samples')
        lines.append(f'frames: min {frames.min()}, median '
                     f'{int(np.median(frames))}, max {frames.max()}')
    labels = [
        a['label'] for a in annotations
        if isinstance(a, dict) and isinstance(a.get('label'), int)
    ]
    if labels:
        lines.append(f'labels: {len(set(labels))} classes, range '
                     f'{min(labels)}-{max(labels)}')
    return lines


def show(title: str, items: List[str], limit: int) -> None:
    print(f'{title} ({len(items)}):')
    shown = items if limit <= 0 else items[:limit]
    for item in shown:
        print(f'  - {item}')
    if len(shown) < len(items):
        print(f'  ... and {len(items) - len(shown)} more')


def check(args: argparse.Namespace) -> int:
    """Read, check and report ``args.file``; the exit status."""
    data = load_input_pickle(args.file, trust=args.trust_pickle)
    report = check_annotation_file(
        data,
        num_classes=args.num_classes,
        require_label=not args.no_label,
        layout=args.layout)
    print(f'{args.file}:')
    for line in summarize(data):
        print(f'  {line}')
    if report.errors:
        show('errors', report.errors, args.max_shown)
    if report.warnings:
        show('warnings', report.warnings, args.max_shown)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    print(f'{len(report.errors)} error(s), {len(report.warnings)} '
          f'warning(s): {"FAILED" if failed else "OK"}')
    return 1 if failed else 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    error = import_modules(args.imports)
    if error:
        return print_error(error)
    return report_errors(check, args, errors=())


if __name__ == '__main__':
    sys.exit(main())
