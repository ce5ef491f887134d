"""Write the synthetic skeleton action dataset (the embedded default data).

Example::

    python tools/data/generate_synthetic.py --out data/synthetic --seed 0

writes ``synthetic_3d.pkl`` (trimmed clips, NTU-style cross-subject and
cross-view splits), ``synthetic_untrimmed_3d.pkl`` (sequences with action
segments) and ``label_map_synthetic.txt`` into ``--out``. Existing files are
only replaced with ``--force``.
"""
import argparse
import sys
import time
from typing import Dict, List, Optional

import numpy as np

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.apis.cli import report_errors
from usdrl_mm.apis.label_map import read_label_map
from usdrl_mm.datasets.synthetic import ACTION_NAMES, write_synthetic_dataset
from usdrl_mm.fileio import load_pickle
from usdrl_mm.utils.progress import StagedProgressBarCallback


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate the synthetic skeleton action dataset '
        '(MMAction2 PoseDataset pickles).')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--seed', type=int, default=0, help='dataset seed')
    parser.add_argument(
        '--num-classes',
        type=int,
        default=10,
        help=f'number of classes (at most {len(ACTION_NAMES)})')
    parser.add_argument('--num-subjects', type=int, default=20)
    parser.add_argument(
        '--num-reps',
        type=int,
        default=2,
        help='repetitions per subject and class (each seen by 3 cameras)')
    parser.add_argument(
        '--num-untrimmed',
        type=int,
        default=60,
        help='number of untrimmed sequences')
    parser.add_argument(
        '--dim',
        type=int,
        choices=(2, 3),
        default=3,
        help='3: camera coordinates in metres; 2: pixels '
        'and keypoint scores')
    parser.add_argument(
        '--noise-std',
        type=float,
        default=0.01,
        help='joint noise std in metres')
    add_force_argument(parser, 'existing output files')
    return parser.parse_args(argv)


def summarize(paths: Dict[str, str]) -> str:
    """A short human-readable report of the written files."""
    trimmed = load_pickle(paths['trimmed'])
    untrimmed = load_pickle(paths['untrimmed'])
    frames = np.array([a['total_frames'] for a in trimmed['annotations']])
    two = sum(a['keypoint'].shape[0] == 2 for a in trimmed['annotations'])
    long_frames = [a['total_frames'] for a in untrimmed['annotations']]
    segments = sum(len(a['segments']) for a in untrimmed['annotations'])
    names = read_label_map(paths['label_map'])
    lines = ['files written:']
    lines += [f'  {key:9s} {path}' for key, path in paths.items()]
    lines.append(f'trimmed: {len(frames)} samples, ' +
                 ', '.join(f'{k} {len(v)}'
                           for k, v in trimmed['split'].items()))
    lines.append(f'  frames {frames.min()}-{frames.max()} (mean '
                 f'{frames.mean():.0f}), {(frames < 64).sum()} '
                 f'({(frames < 64).mean():.0%}) shorter than 64; '
                 f'{two} samples with 2 persons')
    lines.append(f'untrimmed: {len(long_frames)} sequences, ' +
                 ', '.join(f'{k} {len(v)}'
                           for k, v in untrimmed['split'].items()) +
                 f'; frames {min(long_frames)}-{max(long_frames)}, '
                 f'{segments} action segments')
    lines.append(f'classes ({len(names)}): ' +
                 ', '.join(f'{i}: {n}' for i, n in enumerate(names)))
    return '\n'.join(lines)


def generate(args: argparse.Namespace) -> None:
    """Write the dataset into ``args.out`` and report it."""
    start = time.perf_counter()
    paths = write_synthetic_dataset(
        args.out,
        seed=args.seed,
        num_classes=args.num_classes,
        dim=args.dim,
        force=args.force,
        num_subjects=args.num_subjects,
        num_reps=args.num_reps,
        num_sequences=args.num_untrimmed,
        noise_std=args.noise_std,
        progress=StagedProgressBarCallback())
    elapsed = time.perf_counter() - start
    print()
    print(summarize(paths))
    print(f'generated in {elapsed:.1f} s')


def main(argv: Optional[List[str]] = None) -> int:
    return report_errors(
        generate, parse_args(argv), errors=(FileExistsError, ValueError))


if __name__ == '__main__':
    sys.exit(main())
