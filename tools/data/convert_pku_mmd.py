"""Convert the PKU-MMD raw release to annotation pickles.

    python tools/data/convert_pku_mmd.py \
        --skeletons PKU_Skeleton_Renew --labels Train_Label_PKU_final \
        --xsub-split split/cross-subject.txt --xview-split split/cross-view.txt \
        --out data/skeleton/pkummd1_3d.pkl

Writes the untrimmed pickle (``UntrimmedPoseDataset``: detection,
segmentation); ``--trimmed-out`` also writes one clip per action instance
(``CheckedPoseDataset``: recognition, e.g. PKU-MMD II). Without split files,
cross-view validates on the views of ``--xview-val-views`` and
cross-subject on the video ids of ``--xsub-val-ids`` (part I: 291-334).
Outputs are written atomically and never overwritten without ``--force``.
"""
import argparse
import os.path as osp
import sys

try:
    import usdrl_mm  # noqa: F401
except ImportError:  # a fresh clone without `pip install -e .`
    sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(__file__))))

from mmengine.utils import ProgressBar  # noqa: E402

from usdrl_mm.datasets.annotation_checks import check_annotations  # noqa: E402
from usdrl_mm.datasets.converters import atomic_dump  # noqa: E402
from usdrl_mm.datasets.converters import convert_pku_mmd, trim_instances


def id_range(text: str) -> list:
    """'291-334' or '291,292' -> ids."""
    ids = []
    for part in text.split(','):
        lo, _, hi = part.partition('-')
        ids += list(range(int(lo), int(hi or lo) + 1))
    return ids


def main(argv=None) -> None:
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
    parser.add_argument(
        '--force', action='store_true', help='overwrite existing outputs')
    args = parser.parse_args(argv)

    for path in (args.out, args.trimmed_out):
        if path and osp.exists(path) and not args.force:
            sys.exit(f'{path} exists; pass --force to overwrite it')
    split_files = {
        k: v
        for k, v in (('xsub', args.xsub_split), ('xview', args.xview_split))
        if v
    }
    bar = None

    def progress(done, total):
        nonlocal bar
        if bar is None:
            bar = ProgressBar(total)
        bar.update()

    data, summary = convert_pku_mmd(
        args.skeletons,
        args.labels,
        split_files,
        xview_val_views=tuple(args.xview_val_views.split(',')),
        xsub_val_ids=args.xsub_val_ids,
        reversed_segments=args.reversed_segments,
        progress=progress)
    print()
    problems = check_annotations(data['annotations'], require_label=False)
    if problems:
        sys.exit('converted data failed the checks:\n  ' +
                 '\n  '.join(problems[:20]))
    atomic_dump(data, args.out, force=args.force)
    print(f'{args.out}: {len(data["annotations"])} sequences')
    if args.trimmed_out:
        clips = trim_instances(data)
        atomic_dump(clips, args.trimmed_out, force=args.force)
        print(f'{args.trimmed_out}: {len(clips["annotations"])} clips')
    for key, names in data['split'].items():
        print(f'  {key}: {len(names)}')
    print('summary: ' + ', '.join(f'{k} {v}' for k, v in summary.items()))


if __name__ == '__main__':
    main()
