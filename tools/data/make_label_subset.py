"""Write a class-balanced labelled subset of a split, for semi-supervised
runs.

    python tools/data/make_label_subset.py data/skeleton/ntu60_3d.pkl \
        --split xsub_train --ratio 0.01 --seed 0 \
        --out data/skeleton/ntu60_xsub_train_1pct_seed0.json

Every class keeps max(1, round(ratio * n_c)) samples chosen by the seed
(see ``usdrl_mm.datasets.label_subset.balanced_subset``). Point a config at
the file with ``dataset=dict(subset_file=...)``.
"""
import argparse
import os
import sys
from collections import Counter

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.datasets.label_subset import balanced_subset, write_subset
from usdrl_mm.fileio import add_trust_pickle_argument, load_pickle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='PoseDataset .pkl')
    parser.add_argument('--split', required=True)
    parser.add_argument('--ratio', type=float, required=True)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', required=True, help='output .json')
    add_force_argument(parser)
    add_trust_pickle_argument(parser)
    args = parser.parse_args()

    if refuse_overwrite(args.out, args.force):
        sys.exit(1)
    data = load_pickle(args.ann_file, trust=args.trust_pickle)
    if args.split not in data.get('split', {}):
        sys.exit(f'split {args.split!r} not in {args.ann_file} (splits: '
                 f'{sorted(data.get("split", {}))})')
    names = set(data['split'][args.split])
    annos = [a for a in data['annotations'] if a['frame_dir'] in names]
    keep = balanced_subset([a['label'] for a in annos], args.ratio, args.seed)
    chosen = [annos[i]['frame_dir'] for i in keep]
    write_subset(
        args.out,
        chosen,
        ann_file=os.path.basename(args.ann_file),
        split=args.split,
        ratio=args.ratio,
        seed=args.seed)
    per_class = Counter(annos[i]['label'] for i in keep)
    print(f'{args.out}: {len(chosen)} of {len(annos)} samples of '
          f'{args.split} ({len(per_class)} classes, '
          f'{min(per_class.values())}-{max(per_class.values())} per class)')


if __name__ == '__main__':
    main()
