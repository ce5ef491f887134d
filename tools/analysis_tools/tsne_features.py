"""t-SNE maps of the encoder features of several checkpoints.

Extracts the pooled encoder features of the same samples for every
``NAME=CHECKPOINT`` (:func:`usdrl_mm.apis.extract_features`), embeds each
set in 2-D with scikit-learn's t-SNE and draws one panel per encoder, points
coloured by class. Under each panel: the leave-one-out k-NN accuracy and
the silhouette score of the classes in the 2-D map.

CONFIG is a recognition config (e.g. the linear-probe config, whose test
split is the default) or a pretraining config: its backbone is filled from
each checkpoint (``backbone.`` keys; pretraining checkpoints work) and its
test pipeline prepares the clips.

    python tools/analysis_tools/tsne_features.py CONFIG \
        --encoders pretrained=A.pth random-init=B.pth \
        [--ann-file PKL] [--split xsub_val] [--max-samples 500] \
        [--perplexity 30] [--seed 0] [--label-map FILE] --out tsne.png

Writes OUT (PNG) and ``OUT`` with ``.npz`` (``embeddings`` (E, N, 2),
``encoders`` (E,), ``labels`` (N,), ``frame_dirs`` (N,)) and prints one
JSON line with the scores per encoder.
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.config import Config

from usdrl_mm.apis import (dataset_cfg, extract_features, init_model,
                           load_config, read_label_map)
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_encoders_argument)
from usdrl_mm.fileio import add_trust_pickle_argument, load_pickle
from usdrl_mm.visualization import tsne

KNN_K = 5
# the dataset whose annotation file and split are the default samples
LOADERS = ('test', 'val', 'train')


def load_samples(ann_file: str,
                 split: Optional[str],
                 max_samples: int,
                 seed: int,
                 trust_pickle: bool = False) -> List[dict]:
    """Annotations of ``split`` (all when ``None``), at most
    ``max_samples`` of them drawn with ``seed`` in file order."""
    data = load_pickle(ann_file, trust=trust_pickle)
    annos = data['annotations'] if isinstance(data, dict) else list(data)
    if split is not None:
        splits = data.get('split', {}) if isinstance(data, dict) else {}
        if split not in splits:
            raise ValueError(f'{ann_file} has no split {split!r}; it has '
                             f'{sorted(splits) or "none"}')
        keep = set(splits[split])
        annos = [a for a in annos if a['frame_dir'] in keep]
    if not annos:
        raise ValueError(f'no samples in {ann_file} (split {split})')
    unlabelled = [a.get('frame_dir') for a in annos if 'label' not in a]
    if unlabelled:
        raise ValueError(f'{len(unlabelled)} samples have no label, e.g. '
                         f'{unlabelled[0]!r}')
    if len(annos) > max_samples:
        pick = np.random.default_rng(seed).choice(
            len(annos), max_samples, replace=False)
        annos = [annos[i] for i in np.sort(pick)]
    return annos


def check_backbone_loaded(model: torch.nn.Module, ckpt: str) -> None:
    """Fail unless every backbone tensor of ``model`` came from ``ckpt``
    (``load_checkpoint`` only warns about missing or mis-shaped keys, which
    would leave a randomly initialised encoder)."""
    state = torch.load(ckpt, map_location='cpu', weights_only=True)
    state = state.get('state_dict', state)
    problems = [
        name for name, tensor in model.backbone.state_dict().items()
        if f'backbone.{name}' not in state
        or state[f'backbone.{name}'].shape != tensor.shape
    ]
    if problems:
        raise ValueError(f'{ckpt} does not fill the config\'s backbone: '
                         f'{len(problems)} tensors missing or of another '
                         f'shape, e.g. backbone.{problems[0]}')


def class_names_of(label_map: Optional[str], cfg: Config,
                   model: torch.nn.Module) -> Optional[List[str]]:
    """``--label-map`` lines, else the dataset's ``metainfo.classes``, else
    the checkpoint's ``dataset_meta['classes']``."""
    if label_map is not None:
        return read_label_map(label_map)
    classes = (dataset_cfg(cfg, LOADERS).get('metainfo') or {}).get('classes')
    if classes is None:
        classes = (getattr(model, 'dataset_meta', None) or {}).get('classes')
    return list(classes) if classes is not None else None


def main(argv: Optional[List[str]] = None) -> Dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='recognition config')
    add_encoders_argument(parser)
    parser.add_argument(
        '--ann-file', help='annotation .pkl; default: the config dataset\'s')
    parser.add_argument(
        '--split',
        help='split of the annotation file; default: the config dataset\'s '
        'split when the file is the config\'s, else every sample')
    parser.add_argument('--max-samples', type=int, default=500)
    parser.add_argument('--perplexity', type=float, default=30.0)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--label-map', help='class names, one per line, in label order')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--out', default='tsne.png')
    add_cfg_options_argument(parser)
    add_trust_pickle_argument(parser)
    args = parser.parse_args(argv)
    names = [name for name, _ in args.encoders]
    if len(set(names)) != len(names):
        parser.error(f'encoder names must be unique, got {names}')
    try:
        tsne.require_sklearn()
    except ImportError as err:
        sys.exit(f'tsne_features: {err}')

    cfg = load_config(args.config, args.cfg_options)
    ann_file, split = args.ann_file, args.split
    if ann_file is None:
        dataset = dataset_cfg(cfg, LOADERS)
        if not dataset.get('ann_file'):
            sys.exit(f'{args.config} names no annotation file; pass '
                     '--ann-file')
        ann_file = osp.join(dataset.get('data_root') or '', dataset.ann_file)
        split = split or dataset.get('split')
    try:
        annos = load_samples(ann_file, split, args.max_samples, args.seed,
                             args.trust_pickle)
    except ValueError as err:
        sys.exit(f'tsne_features: {err}')
    labels = np.array([a['label'] for a in annos], dtype=np.int64)

    embeddings, scores, class_names = {}, {}, None
    for name, ckpt in args.encoders:
        # a pretraining checkpoint holds more than the encoder: load what
        # fits, then check that the whole backbone came from it
        model = init_model(
            cfg, checkpoint=ckpt, device=args.device, strict=False)
        try:
            check_backbone_loaded(model, ckpt)
        except ValueError as err:
            sys.exit(f'tsne_features: {err}')
        if class_names is None:
            class_names = class_names_of(args.label_map, cfg, model)
        try:
            feats = extract_features(
                model, annos, batch_size=args.batch_size)  # (N, 2D)
        except TypeError as err:
            sys.exit(f'tsne_features: {args.config} builds a '
                     f'{type(model).__name__}, which extract_features '
                     f'cannot run ({err}); it needs a DSTE or STTR '
                     'encoder')
        embeddings[name] = tsne.tsne_embedding(
            feats, perplexity=args.perplexity, seed=args.seed)
        scores[name] = tsne.separation_scores(
            embeddings[name], labels, k=KNN_K)
        del model

    source = f'{osp.basename(ann_file)}' + (f' [{split}]' if split else '')
    tsne.plot_embeddings(
        embeddings,
        labels,
        args.out,
        class_names=class_names,
        scores=scores,
        knn_k=KNN_K,
        title=f't-SNE of encoder features, {len(annos)} samples of '
        f'{source}')
    npz = osp.splitext(args.out)[0] + '.npz'
    np.savez(
        npz,
        embeddings=np.stack(list(embeddings.values())),  # (E, N, 2)
        encoders=np.array(names),
        labels=labels,
        frame_dirs=np.array(
            [str(a.get('frame_dir', i)) for i, a in enumerate(annos)]))
    summary = dict(
        out=args.out,
        npz=npz,
        num_samples=len(annos),
        split=split,
        knn_k=KNN_K,
        # NaN (silhouette of a single class) is not JSON
        scores={
            name: {
                k: None if np.isnan(v) else v
                for k, v in s.items()
            }
            for name, s in scores.items()
        })
    print(json.dumps(summary))
    return summary


if __name__ == '__main__':
    main()
