"""Compare recognition models side by side on the same data.

For every config: parameters, FLOPs per clip, inference clips/s on this
machine (all measured in this one run, on a batch from the config's own
test data), and, when a checkpoint is given, the accuracy of
``tools/test.py`` on the config's test set. Writes ``comparison.md``,
``comparison.csv`` and ``comparison.png`` to ``--out-dir``.

FLOPs follow MMAction2's model zoo: multiply-adds of the recognizer's
``extract_feat`` counted by mmengine's ``get_model_complexity_info``, with
the attention products added (``usdrl_mm.apis.complexity``), so they
compare with the FLOPs MMAction2 publishes.

    python tools/analysis_tools/compare_models.py CONFIG [CONFIG ...] \
        [--checkpoints CKPT|none ...] [--names NAME ...] [--batch-size 8]

Use ``none`` for a config without a checkpoint (no accuracy column entry).
"""
import argparse
import copy
import csv
import os
import os.path as osp
import tempfile
import time
from typing import Dict, List, Optional

import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import usdrl_mm  # noqa: F401  registries
from usdrl_mm.apis.arguments import add_cfg_options_argument
from usdrl_mm.apis.complexity import (FLOPS_CONVENTION, count_params,
                                      recognizer_flops)
from usdrl_mm.apis.config_lookup import load_config

COLUMNS = ('model', 'params_M', 'GFLOPs_per_clip', 'clips_per_s', 'accuracy')
#: Column headers of the markdown table.
HEADERS = dict(
    model='model',
    params_M='parameters (M)',
    GFLOPs_per_clip=f'GFLOPs per clip ({FLOPS_CONVENTION})',
    clips_per_s='clips/s',
    accuracy='test accuracy')


def test_batch(cfg: Config, batch_size: int) -> dict:
    """The first ``batch_size`` samples of the config's test set."""
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    if len(dataset) == 0:
        raise ValueError('the test set of the config is empty')
    return pseudo_collate(
        [dataset[i] for i in range(min(batch_size, len(dataset)))])


def clips_of(inputs: torch.Tensor) -> int:
    """Clips in a recognizer input (N, num_clips, ...)."""
    return inputs.shape[0] * inputs.shape[1]


@torch.no_grad()
def measure(model: torch.nn.Module, inputs: torch.Tensor,
            iters: int) -> Dict[str, float]:
    model.eval()
    # FLOPs of one clip (a batch of one sample, one clip)
    flops = recognizer_flops(model, inputs[:1, :1])['flops']
    model(inputs, mode='tensor')  # warm-up
    start = time.perf_counter()
    for _ in range(iters):
        model(inputs, mode='tensor')
    elapsed = time.perf_counter() - start
    return dict(
        GFLOPs_per_clip=flops / 1e9,
        clips_per_s=clips_of(inputs) * iters / elapsed)


def test_accuracy(cfg: Config, checkpoint: str) -> Optional[float]:
    """acc/top1 (or the first metric) of tools/test.py on the test set."""
    cfg = copy.deepcopy(cfg)
    cfg.load_from = checkpoint
    cfg.work_dir = tempfile.mkdtemp(prefix='compare_models_')
    cfg.launcher = 'none'
    metrics = Runner.from_cfg(cfg).test()
    for key in ('acc/top1', 'knn/top1_k1'):
        if key in metrics:
            return float(metrics[key])
    return float(next(iter(metrics.values()))) if metrics else None


def plot(rows: List[dict], out: str) -> None:
    """One bar chart per column; missing values get no bar, and columns
    spanning two orders of magnitude use a log scale."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    keys = [k for k in COLUMNS[1:] if any(r[k] is not None for r in rows)]
    fig, axes = plt.subplots(1, len(keys), figsize=(3.6 * len(keys), 3.4))
    names = [r['model'] for r in rows]
    for ax, key in zip(axes if len(keys) > 1 else [axes], keys):
        present = [(i, r[key]) for i, r in enumerate(rows)
                   if r[key] is not None]
        ax.bar([i for i, _ in present], [v for _, v in present], color='C0')
        values = [v for _, v in present if v > 0]
        if values and max(values) / min(values) > 100:
            ax.set_yscale('log')
        ax.set_xticks(
            range(len(rows)), names, rotation=30, ha='right', fontsize=8)
        ax.set_title(HEADERS[key].replace(' (', '\n('), fontsize=8)
        for i, r in enumerate(rows):
            text = 'n/a' if r[key] is None else f'{r[key]:.3g}'
            ax.annotate(
                text, (i, r[key] or 0), ha='center', va='bottom', fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def write_tables(rows: List[dict], out_dir: str, device: str) -> str:
    fmt = dict(
        params_M='{:.2f}',
        GFLOPs_per_clip='{:.3f}',
        clips_per_s='{:.1f}',
        accuracy='{:.4f}')
    lines = [
        f'Measured in one run on {device}; FLOPs are {FLOPS_CONVENTION} '
        "(MMAction2's convention), of one clip.", '',
        '| ' + ' | '.join(HEADERS[k] for k in COLUMNS) + ' |',
        '|' + '---|' * len(COLUMNS)
    ]
    for r in rows:
        cells = [r['model']] + [
            '-' if r[k] is None else fmt[k].format(r[k]) for k in COLUMNS[1:]
        ]
        lines.append('| ' + ' | '.join(cells) + ' |')
    table = '\n'.join(lines) + '\n'
    with open(osp.join(out_dir, 'comparison.md'), 'w') as f:
        f.write(table)
    with open(osp.join(out_dir, 'comparison.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return table


def main(argv=None) -> List[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument(
        '--checkpoints', nargs='+', help="one per config, or 'none'")
    parser.add_argument('--names', nargs='+', help='row names')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--out-dir', default='work_dirs/compare_models')
    add_cfg_options_argument(parser, help='applied to every config')
    args = parser.parse_args(argv)
    for opt, n in (('checkpoints', args.checkpoints), ('names', args.names)):
        if n is not None and len(n) != len(args.configs):
            parser.error(f'--{opt} needs one entry per config')
    os.makedirs(args.out_dir, exist_ok=True)

    rows = []
    for i, path in enumerate(args.configs):
        cfg = load_config(path, args.cfg_options)
        init_default_scope(cfg.get('default_scope', 'mmaction'))
        model = MODELS.build(cfg.model)
        model.init_weights()
        data = model.data_preprocessor(test_batch(cfg, args.batch_size))
        row = dict(
            model=args.names[i] if args.names else osp.splitext(
                osp.basename(path))[0],
            params_M=count_params(model) / 1e6,
            **measure(model, data['inputs'], args.iters),
            accuracy=None)
        ckpt = args.checkpoints[i] if args.checkpoints else 'none'
        if ckpt.lower() != 'none':
            row['accuracy'] = test_accuracy(cfg, ckpt)
        rows.append(row)
        print(row, flush=True)

    device = (f'{torch.get_num_threads()} CPU threads' if
              not torch.cuda.is_available() else torch.cuda.get_device_name())
    print(write_tables(rows, args.out_dir, device))
    plot(rows, osp.join(args.out_dir, 'comparison.png'))
    print(f'written to {args.out_dir}/comparison.{{md,csv,png}}')
    return rows


if __name__ == '__main__':
    main()
