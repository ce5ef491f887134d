"""Convert the PKU-MMD raw release to annotation pickles.

    python tools/data/convert_pku_mmd.py \
        --skeletons PKU_Skeleton_Renew --labels Train_Label_PKU_final \
        --xsub-split split/cross-subject.txt \
        --xview-split split/cross-view.txt \
        --out data/skeleton/pkummd1_3d.pkl

Writes the untrimmed pickle (``UntrimmedPoseDataset``: detection,
segmentation); ``--trimmed-out`` also writes one clip per action instance
(``CheckedPoseDataset``: recognition, e.g. PKU-MMD II). Without split files,
cross-view validates on the views of ``--xview-val-views`` and
cross-subject on the video ids of ``--xsub-val-ids`` (part I: 291-334).
Outputs are written atomically and never overwritten without ``--force``.
Both outputs are checked before either is written; an empty split (e.g. a
folder without the validation videos) is an error, as in
``check_annotations.py``, unless ``--drop-empty-splits`` leaves it out.
"""
import argparse
import sys
from typing import List, Optional

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import report_errors
from usdrl_mm.datasets.converters import (atomic_dump, convert_pku_mmd,
                                          trim_instances)
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.datasets.converters.report import (
    add_drop_empty_splits_argument, check_converted, print_refusal)
from usdrl_mm.utils.progress import ProgressBarCallback


def id_range(text: str) -> list:
    """'291-334' or '291,292' -> ids."""
    ids = []
    for part in text.split(','):
        lo, _, hi = part.partition('-')
        ids += list(range(int(lo), int(hi or lo) + 1))
    return ids


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--skeletons',
        required=True,
        help='folder of per-video skeleton .txt files')
    parser.add_argument(
        '--labels', required=True, help='folder of per-video label .txt files')
    parser.add_argument('--out', required=True, help='untrimmed .pkl')
    parser.add_argument('--trimmed-out', help='also write trimmed clips')
    parser.add_argument('--xsub-split', help='official cross-subject file')
    parser.add_argument('--xview-split', help='official cross-view file')
    parser.add_argument(
        '--xview-val-views',
        default='L',
        help='views validated on without a split file')
    parser.add_argument(
        '--xsub-val-ids',
        type=id_range,
        help="video ids validated on without a split file, "
        "e.g. '291-334' for part I")
    parser.add_argument(
        '--reversed-segments',
        choices=('swap', 'drop'),
        default='drop',
        help='instances with start > end: dropped with a warning naming the '
        'file and line (default), or swapped')
    add_drop_empty_splits_argument(parser)
    add_force_argument(parser, 'existing outputs')
    return parser.parse_args(argv)


def convert(args: argparse.Namespace) -> int:
    """Convert, check both outputs, then write them; the exit status."""
    split_files = {
        k: v
        for k, v in (('xsub', args.xsub_split), ('xview', args.xview_split))
        if v
    }
    data, summary = convert_pku_mmd(
        args.skeletons,
        args.labels,
        split_files,
        xview_val_views=tuple(args.xview_val_views.split(',')),
        xsub_val_ids=args.xsub_val_ids,
        reversed_segments=args.reversed_segments,
        progress=ProgressBarCallback())
    print()
    outputs = [(args.out, data, 'sequences', False)]
    if args.trimmed_out:
        outputs.append((args.trimmed_out, trim_instances(data), 'clips', True))
    warnings = []
    # both files are checked before either is written
    for path, content, _, labelled in outputs:
        errors, found = check_converted(
            content,
            drop_empty_splits=args.drop_empty_splits,
            require_label=labelled)
        if errors:
            print_refusal(path, errors)
            return 1
        warnings += [f'{path}: {w}' for w in found]
    for path, content, title, _ in outputs:
        atomic_dump(content, path, force=args.force)
        print(f'{path}: {len(content["annotations"])} {title}')
    for key, names in data['split'].items():
        print(f'  {key}: {len(names)}')
    for warning in warnings:
        print(f'warning: {warning}')
    print('summary: ' + ', '.join(f'{k} {v}' for k, v in summary.items()))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    for path in (args.out, args.trimmed_out):
        if path and refuse_overwrite(path, args.force):
            return 1
    return report_errors(convert, args, newline=True)


if __name__ == '__main__':
    sys.exit(main())
