"""Convert NTU RGB+D 60 / 120 raw .skeleton files to an annotation pickle.

    python tools/data/convert_ntu_rgbd.py --skeletons nturgb+d_skeletons \
        --dataset ntu60 \
        --ignore-list NTU_RGBD_samples_with_missing_skeletons.txt \
        --out data/skeleton/ntu60_3d_raw.pkl

Writes the MMAction2 PoseDataset format (``keypoint (M, T, 25, 3)`` float32,
raw camera coordinates, up to ``--max-bodies`` persons) with the standard
splits: xsub / xview for NTU-60, xsub / xset for NTU-120. Files without any
body are skipped and counted even without an ignore list. Normalise in the
pipeline with ``PreNormalize3DPerFrame`` (the NTU configs do). Outputs are
written atomically and never overwritten without ``--force``. Nothing is
written when no file was converted (the report says what was skipped and
why) or a split is empty (``--drop-empty-splits`` leaves it out, e.g. for a
folder with one camera only).
"""
import argparse
import sys
from typing import List, Optional

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import report_errors
from usdrl_mm.datasets.converters import convert_ntu_rgbd, read_name_list
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.datasets.converters.report import (
    add_drop_empty_splits_argument, write_converted)
from usdrl_mm.utils.progress import ProgressBarCallback


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--skeletons', required=True, help='folder of .skeleton files')
    parser.add_argument(
        '--dataset',
        choices=('ntu60', 'ntu120'),
        default='ntu60',
        help='which samples and splits (NTU-60: setups 1-17, actions 1-60)')
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument(
        '--ignore-list',
        help='file of sample names to skip, one per line '
        '(samples_with_missing_skeletons.txt)')
    parser.add_argument(
        '--max-bodies',
        type=int,
        default=2,
        help='persons kept per sample, the most active first')
    parser.add_argument(
        '--min-body-frames',
        type=int,
        default=11,
        help='bodies seen in fewer frames are dropped as noise')
    parser.add_argument(
        '--body-selection',
        choices=('tracked', 'original'),
        default='tracked',
        help='tracked: bodies followed by ID, the most active first, short '
        'ghost bodies dropped; original: slots by the order of the bodies '
        'in each frame, the two of highest energy kept (the preparation '
        'the published numbers were obtained on)')
    parser.add_argument(
        '--skip-malformed',
        action='store_true',
        help='skip and count malformed files instead of stopping')
    add_drop_empty_splits_argument(parser)
    add_force_argument(parser)
    return parser.parse_args(argv)


def convert(args: argparse.Namespace) -> int:
    """Convert and write ``--out``; the exit status."""
    ignore = read_name_list(args.ignore_list) if args.ignore_list else []
    data, report = convert_ntu_rgbd(
        args.skeletons,
        args.dataset,
        ignore=ignore,
        max_bodies=args.max_bodies,
        min_body_frames=args.min_body_frames,
        skip_malformed=args.skip_malformed,
        progress=ProgressBarCallback(),
        body_selection=args.body_selection)
    print()
    return write_converted(data, report, args,
                           60 if args.dataset == 'ntu60' else 120)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if refuse_overwrite(args.out, args.force):
        return 1
    return report_errors(convert, args, newline=True)


if __name__ == '__main__':
    sys.exit(main())
