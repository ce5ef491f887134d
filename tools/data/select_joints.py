"""Keep the joints of a skeleton layout in a PoseDataset annotation file.

    python tools/data/select_joints.py data/synthetic/synthetic_3d.pkl \
        data/synthetic/synthetic_upper13_3d.pkl --to-layout ntu-upper-13 \
        --import projects.upper_body_layout

Every joint of ``--to-layout`` is looked up by name in ``--from-layout``
(``nturgb+d`` by default) and written in the target's order; ``keypoint
(M, T, V, C)`` and ``keypoint_score (M, T, V)`` are cut, every other key
and the splits are copied. A target joint the source lacks stops the run
with the missing names. ``--import`` imports modules first, so a layout
that a project registers (``register_layout``) can be named. The output is
written atomically and never overwritten without ``--force``.
"""
import argparse
import sys
from typing import List, Optional

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import load_input_pickle, print_error, report_errors
from usdrl_mm.datasets.converters.io import atomic_dump, refuse_overwrite
from usdrl_mm.datasets.converters.select_joints import select_joints
from usdrl_mm.fileio import add_trust_pickle_argument
from usdrl_mm.structures import SkeletonLayout, get_layout, list_layouts
from usdrl_mm.utils.imports import add_import_argument, import_modules
from usdrl_mm.utils.progress import ProgressBarCallback


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='annotation .pkl to read')
    parser.add_argument('output', help='annotation .pkl to write')
    parser.add_argument(
        '--to-layout',
        required=True,
        help='layout whose joints are kept (registered: ' +
        ', '.join(list_layouts()) + ', or one registered by --import)')
    parser.add_argument(
        '--from-layout',
        default='nturgb+d',
        help='layout the input is written in (default: %(default)s)')
    add_import_argument(parser)
    add_force_argument(parser)
    add_trust_pickle_argument(parser)
    return parser.parse_args(argv)


def write_selected(args: argparse.Namespace, source: SkeletonLayout,
                   target: SkeletonLayout) -> int:
    """Read ``args.input``, keep the joints of ``target`` and write
    ``args.output``; the exit status."""
    data = load_input_pickle(args.input, trust=args.trust_pickle)
    progress = ProgressBarCallback()
    try:
        out = select_joints(
            data, to_layout=target, from_layout=source, progress=progress)
    except ValueError as e:
        return print_error(e, newline=True)
    progress.close()
    atomic_dump(out, args.output, force=args.force)
    annotations = out['annotations'] if isinstance(out, dict) else out
    print(f'{args.output}: {len(annotations)} samples, {source.num_joints} '
          f'{source.name!r} joints -> {target.num_joints} {target.name!r} '
          f'joints ({", ".join(target.joint_names)})')
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if refuse_overwrite(args.output, args.force):
        return 1
    error = import_modules(args.imports)
    if error:
        return print_error(error)
    try:
        source = get_layout(args.from_layout)
        target = get_layout(args.to_layout)
    except KeyError as e:
        hint = '' if args.imports else \
            ' (a custom layout needs --import of the module registering it)'
        return print_error(f'{e.args[0]}{hint}')
    return report_errors(write_selected, args, source, target, errors=())


if __name__ == '__main__':
    sys.exit(main())
