"""Convert (N, C, T, V, M) .npy skeleton arrays to an annotation pickle.

    python tools/data/convert_skeleton_npy.py \
        --split xsub_train xsub/train_data_joint.npy xsub/train_label.pkl \
            xsub/train_num_frame.npy \
        --split xsub_val xsub/val_data_joint.npy xsub/val_label.pkl \
            xsub/val_num_frame.npy \
        --layout nturgb+d --out data/skeleton/ntu60_3d_umurl.pkl

The layout of earlier skeleton SSL code (UmURL, USDRL, FoundSkelModel,
AimCLR ...): a data array, a pickled ``(names, labels)`` pair and an
optional frame-count array per split. Without the frame-count file, the
valid frames are counted from the non-zero data. Every ``--split`` becomes a
split of the pickle; samples shared by several splits are stored once.
Outputs are written atomically and never overwritten without ``--force``.
A split whose every sample is empty (all zeros) is an error, as in
``check_annotations.py``; ``--drop-empty-splits`` leaves it out instead.
"""
import argparse
import sys
from typing import Dict, List, Optional

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import print_error, report_errors
from usdrl_mm.datasets.converters import convert_skeleton_npy
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.datasets.converters.report import (
    add_drop_empty_splits_argument, write_converted)
from usdrl_mm.fileio import add_trust_pickle_argument
from usdrl_mm.structures import get_layout
from usdrl_mm.utils.progress import ProgressBarCallback


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--split',
        nargs='+',
        action='append',
        required=True,
        metavar='NAME DATA LABEL [NUM_FRAME]',
        help='split name, (N, C, T, V, M) .npy, (names, labels) .pkl and '
        'optionally the (N, ) frame-count .npy; repeat per split')
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument(
        '--layout',
        help='skeleton layout the joint count must match (e.g. nturgb+d, '
        'uav-human)')
    parser.add_argument(
        '--num-classes', type=int, help='labels must be below this')
    parser.add_argument(
        '--label-offset',
        type=int,
        default=0,
        help='subtracted from every label (1 for 1-based label files)')
    add_force_argument(parser)
    add_drop_empty_splits_argument(parser)
    add_trust_pickle_argument(parser)
    return parser.parse_args(argv)


def convert(args: argparse.Namespace, splits: Dict[str, List[str]],
            num_joints: Optional[int]) -> int:
    """Convert the ``splits`` and write ``--out``; the exit status."""
    data, report = convert_skeleton_npy(
        splits,
        label_offset=args.label_offset,
        progress=ProgressBarCallback(),
        trust_pickle=args.trust_pickle)
    print()
    return write_converted(
        data, report, args, args.num_classes, num_joints=num_joints)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if refuse_overwrite(args.out, args.force):
        return 1
    splits = {}
    for values in args.split:
        if len(values) not in (3, 4):
            return print_error(f'--split {" ".join(values)}: expected NAME '
                               'DATA LABEL [NUM_FRAME]')
        splits[values[0]] = values[1:]
    try:
        num_joints = get_layout(args.layout).num_joints \
            if args.layout else None
    except KeyError as e:
        return print_error(e)
    return report_errors(convert, args, splits, num_joints, newline=True)


if __name__ == '__main__':
    sys.exit(main())
