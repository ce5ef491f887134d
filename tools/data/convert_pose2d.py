"""Convert 2D pose-estimator output to an annotation pickle with scores.

    # MMPose / MMAction2-demo COCO-17 results, one .json / .pkl per video
    python tools/data/convert_pose2d.py --format mmpose --input results/ \
        --img-shape 1080 1920 --labels labels.txt --out data/custom_2d.pkl
    # OpenPose --write_json folders (BODY_25, BODY_25B or COCO-18), one class
    python tools/data/convert_pose2d.py --format openpose --input json/ \
        --img-shape 720 1280 --label 3 --out data/openpose_2d.pkl
    # MediaPipe Pose landmarks (33, normalised), one .json per video
    python tools/data/convert_pose2d.py --format mediapipe --input mp/ \
        --img-shape 720 1280 --labels labels.txt --splits splits.json \
        --out data/mediapipe_2d.pkl

Writes ``keypoint (M, T, V, 2)`` pixels, ``keypoint_score (M, T, V)`` and
``img_shape``. People are linked across frames by the rule documented in
``usdrl_mm/datasets/converters/pose2d.py`` (the ``--max-persons``
highest-scoring people per frame, matched to the nearest centre; with
``--tracking continuity`` a person only joins a slot within
``--tracking-gate`` person sizes of where it was last seen). Labels
come from ``--labels`` (``name label`` lines or a JSON object; videos
without a label are skipped) or ``--label`` for a single class; with
neither the pickle is unlabelled (pretraining). Splits come from
``--splits`` (JSON ``{split: [names]}``), else every video goes into
``--split-name``. Outputs are written atomically and never overwritten
without ``--force``.
"""
import argparse
import os
import os.path as osp
import sys
from collections import Counter
from functools import partial
from typing import Callable, List, Optional, Tuple

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import print_error, report_errors
from usdrl_mm.datasets.converters import (convert_pose_videos,
                                          find_openpose_videos, pose2d,
                                          read_label_file, read_mediapipe_file,
                                          read_mmpose_file,
                                          read_openpose_video, read_split_file)
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.datasets.converters.openpose import detect_openpose_layout
from usdrl_mm.datasets.converters.report import (
    add_drop_empty_splits_argument, write_converted)
from usdrl_mm.fileio import add_trust_pickle_argument
from usdrl_mm.structures import get_layout
from usdrl_mm.utils.progress import ProgressBarCallback

DEFAULT_LAYOUT = {
    'mmpose': 'coco',
    'openpose': None,
    'mediapipe': 'mediapipe-33'
}
EXTENSIONS = {'mmpose': ('.json', '.pkl', '.pickle'), 'mediapipe': ('.json', )}


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--format', required=True, choices=('mmpose', 'openpose', 'mediapipe'))
    parser.add_argument(
        '--input',
        required=True,
        help='a result file (mmpose, mediapipe) or a folder of them; for '
        'openpose the folder of *_keypoints.json files')
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        required=True,
        metavar=('HEIGHT', 'WIDTH'),
        help='frame size in pixels (MediaPipe coordinates are scaled by it)')
    labels = parser.add_mutually_exclusive_group()
    labels.add_argument(
        '--labels', help='labels file: "name label" lines '
        'or a JSON object')
    labels.add_argument('--label', type=int, help='one label for all videos')
    parser.add_argument(
        '--layout',
        help='skeleton layout (default: coco for mmpose, mediapipe-33 for '
        'mediapipe; for openpose openpose (18 keypoints), or for 25 '
        'openpose-body25 (BODY_25) or openpose-body25b (BODY_25B) as the '
        'geometry tells, refused when it does not)')
    parser.add_argument(
        '--max-persons', type=int, default=2, help='people kept per video')
    parser.add_argument(
        '--tracking',
        choices=pose2d.TRACKING_RULES,
        default='score',
        help='how people are linked across frames: score (the most '
        'confident per frame, to the nearest slot) or continuity (a slot '
        'only takes a person within --tracking-gate of where it was last '
        'seen and stays empty otherwise)')
    parser.add_argument(
        '--tracking-gate',
        type=float,
        default=pose2d.DEFAULT_GATE,
        help='for --tracking continuity: the largest move from a slot\'s '
        'last centre, in bounding-box diagonals of the person')
    parser.add_argument('--splits', help='JSON {split: [video names]}')
    parser.add_argument(
        '--split-name',
        default='train',
        help='the split of every video without --splits')
    parser.add_argument(
        '--num-classes', type=int, help='labels must be below this')
    parser.add_argument(
        '--skip-malformed',
        action='store_true',
        help='skip and count malformed videos instead of stopping')
    add_force_argument(parser)
    add_drop_empty_splits_argument(parser)
    add_trust_pickle_argument(parser)
    return parser.parse_args(argv)


def list_files(path: str, extensions: Tuple[str, ...]) -> List[str]:
    """``path`` itself, or the files below it with one of ``extensions``."""
    if osp.isfile(path):
        return [path]
    found = []
    for dirpath, _, files in sorted(os.walk(path)):
        found += [
            osp.join(dirpath, f) for f in sorted(files)
            if f.lower().endswith(extensions)
        ]
    if not found:
        raise ValueError(f'no {"/".join(extensions)} files under {path}')
    return found


def video_loaders(
        args: argparse.Namespace,
        num_joints: Optional[int],
        skipped: Optional[Counter] = None) -> List[Tuple[str, Callable]]:
    """``(name, load_frames)`` for every video of the input (``skipped``
    counts the empty OpenPose person entries left out)."""
    if args.format == 'openpose':
        return [(name, partial(read_openpose_video, files, num_joints,
                               skipped))
                for name, files in find_openpose_videos(args.input).items()]
    files = list_files(args.input, EXTENSIONS[args.format])
    if args.format == 'mmpose':
        load = partial(
            read_mmpose_file,
            num_joints=num_joints,
            trust_pickle=args.trust_pickle)
    else:
        load = partial(
            read_mediapipe_file,
            img_shape=tuple(args.img_shape),
            num_joints=num_joints)
    return [(osp.splitext(osp.basename(f))[0], partial(load, f))
            for f in files]


def convert(args: argparse.Namespace) -> int:
    """Convert the videos and write ``--out``; the exit status."""
    layout = args.layout or DEFAULT_LAYOUT[args.format]
    num_joints = get_layout(layout).num_joints if layout else None
    labels = read_label_file(args.labels) if args.labels else args.label
    splits = read_split_file(args.splits) if args.splits else None
    skipped: Counter = Counter()
    data, report = convert_pose_videos(
        video_loaders(args, num_joints, skipped),
        tuple(args.img_shape),
        labels,
        max_persons=args.max_persons,
        tracking=args.tracking,
        tracking_gate=args.tracking_gate,
        splits=splits,
        split_name=args.split_name,
        skip_malformed=args.skip_malformed,
        progress=ProgressBarCallback())
    print()
    report.note('empty_people_skipped', skipped['empty_people'])
    if not data['annotations']:
        return print_error('no video was converted\n' + report.format())
    if layout is None:  # OpenPose: the model follows from the data
        layout = detect_openpose_layout(data['annotations'], args.input)
    return write_converted(
        data,
        report,
        args,
        args.num_classes,
        title=f'videos, layout {layout}',
        require_label=args.labels is not None or args.label is not None,
        num_joints=get_layout(layout).num_joints if layout else None)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if refuse_overwrite(args.out, args.force):
        return 1
    return report_errors(
        convert, args, errors=(KeyError, OSError, ValueError), newline=True)


if __name__ == '__main__':
    sys.exit(main())
