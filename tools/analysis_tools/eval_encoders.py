"""Evaluate pretrained encoders under the downstream protocols.

For every ``NAME=CHECKPOINT`` pair, train each given config (recognition:
``--linear``, ``--finetune``, ``--semi``, ``--early``; dense prediction:
``--dense``) with the encoder loaded from the checkpoint (``backbone.``
prefix) and test it, and run the kNN config on the same checkpoint; then
print one table. The early-prediction model is tested at every ratio of
``--early-ratios`` (``early/top1@0.5``, ...; its curve is written to
``early_NAME/curve``, as ``early_prediction.py`` writes it).
It runs the same mmengine Runner as ``tools/train.py`` /
``tools/test.py``, in-process.

    python tools/analysis_tools/eval_encoders.py \
        --linear configs/usdrl/benchmarks/dste-tiny-linear_...py \
        --knn configs/usdrl/benchmarks/dste-tiny-knn_...py \
        --encoders pretrained=work_dirs/demo_pretrain/epoch_24.pth \
                   random=work_dirs/demo_random_init.pth \
        --work-dir work_dirs/demo_eval

Writes ``results.json`` and ``results.md`` to the work dir.
"""
import argparse
import copy
import logging
import os.path as osp
import time
from typing import Dict, List, Optional

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner

import usdrl_mm  # noqa: F401  registries, checkpoint allow-list
from usdrl_mm.apis import evaluator_cfgs, load_config
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_encoders_argument)
from usdrl_mm.apis.early_prediction import DEFAULT_RATIOS, sweep, write_curve
from usdrl_mm.fileio import atomic_write_json

RECOGNITION = ('linear', 'finetune', 'semi', 'early')
PROTOCOLS = (*RECOGNITION, 'dense', 'knn')
TABLE_ORDER = ('linear', 'finetune', 'semi', 'knn', 'early', 'detection',
               'segmentation')
DENSE_PREFIXES = ('detection/', 'segmentation/')


def run_recognition(cfg: Config,
                    protocol: str,
                    name: str,
                    ckpt: str,
                    work_dir: str,
                    timelines: bool = False) -> Dict[str, float]:
    cfg = copy.deepcopy(cfg)
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=ckpt, prefix='backbone.')
    cfg.work_dir = osp.join(work_dir, f'{protocol}_{name}')
    if timelines:  # dense metrics draw ground truth vs prediction
        for evaluator in evaluator_cfgs(cfg):
            if evaluator.type in ('PKUDetectionMetric', 'SegmentationMetric'):
                evaluator.plot_dir = osp.join(cfg.work_dir, 'timelines')
    cfg.experiment_name = f'{protocol}_{name}_{time.strftime("%H%M%S")}'
    cfg.launcher = 'none'
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner.test()


def run_early(cfg: Config, name: str, ratios: List[float],
              work_dir: str) -> Dict[str, float]:
    """Test the early-prediction model that :func:`run_recognition` trained
    (its last checkpoint) at every observed fraction of ``ratios``."""
    train_dir = osp.join(work_dir, f'early_{name}')
    with open(osp.join(train_dir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    rows = sweep(cfg, ckpt, ratios, osp.join(train_dir, 'curve'))
    write_curve(rows, osp.join(train_dir, 'curve'))
    return {
        f'early/{key}@{row["ratio"]:g}': row[key]
        for row in rows
        for key in ('top1', 'mean1') if key in row
    }


def run_knn(cfg: Config, name: str, ckpt: str,
            work_dir: str) -> Dict[str, float]:
    cfg = copy.deepcopy(cfg)
    cfg.load_from = ckpt
    cfg.work_dir = osp.join(work_dir, f'knn_{name}')
    cfg.experiment_name = f'knn_{name}_{time.strftime("%H%M%S")}'
    cfg.launcher = 'none'
    return Runner.from_cfg(cfg).test()


def column_order(key: str) -> tuple:
    """linear, finetune, semi, kNN by k, early by ratio, then dense
    metrics."""
    protocol, _, metric = key.partition('/')
    rank = TABLE_ORDER.index(protocol) if protocol in TABLE_ORDER \
        else len(TABLE_ORDER)
    name, _, at = metric.partition('@')
    digits = ''.join(ch for ch in name if ch.isdigit())
    return (rank, not metric.startswith('top1'), int(digits or 0),
            float(at or 0), metric)


def table(results: Dict[str, Dict[str, float]]) -> str:
    """Top-1 and mean-class accuracies and dense metrics (all metrics go to
    the JSON)."""
    keys = sorted(
        {
            k
            for r in results.values()
            for k in r if '/top1' in k or k.endswith('/mean1')
            or k.startswith(DENSE_PREFIXES)
        },
        key=column_order)
    lines = [
        '| encoder | ' + ' | '.join(keys) + ' |', '|---|' + '---|' * len(keys)
    ]
    for name, metrics in results.items():
        cells = [f'{metrics[k]:.4f}' if k in metrics else '-' for k in keys]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def main(argv: Optional[List[str]] = None) -> Dict[str, Dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--linear', help='linear-probe config')
    parser.add_argument('--finetune', help='fine-tune config')
    parser.add_argument('--semi', help='semi-supervised config')
    parser.add_argument(
        '--early',
        help='early-prediction config (ObservePrefix in its test pipeline)')
    parser.add_argument(
        '--early-ratios',
        nargs='+',
        type=float,
        default=DEFAULT_RATIOS,
        help='observed fractions the early-prediction model is tested at')
    parser.add_argument('--dense', help='detection / segmentation config')
    parser.add_argument(
        '--timelines',
        action='store_true',
        help='write ground truth vs prediction timelines of the dense test')
    parser.add_argument('--knn', help='kNN config')
    add_encoders_argument(parser)
    parser.add_argument('--work-dir', default='work_dirs/eval_encoders')
    add_cfg_options_argument(parser, help='applied to every config')
    add_cfg_options_argument(
        parser,
        '--recognition-options',
        help='applied to the linear, finetune, semi and early configs')
    add_cfg_options_argument(
        parser, '--dense-options', help='applied to the dense config only')
    add_cfg_options_argument(
        parser, '--knn-options', help='applied to the kNN config only')
    args = parser.parse_args(argv)

    configs = {}
    for key in PROTOCOLS:
        path = getattr(args, key)
        if not path:
            continue
        own = dict(
            knn=args.knn_options,
            dense=args.dense_options).get(key, args.recognition_options)
        configs[key] = load_config(path, args.cfg_options)
        if own:
            configs[key].merge_from_dict(own)
    if not configs:
        parser.error('give at least one of --linear, --finetune, --semi, '
                     '--early, --dense, --knn')

    results: Dict[str, Dict[str, float]] = {}
    for name, ckpt in args.encoders:
        metrics = {}
        for protocol in RECOGNITION:
            if protocol not in configs:
                continue
            tested = run_recognition(configs[protocol], protocol, name, ckpt,
                                     args.work_dir)
            if protocol == 'early':  # scored at every ratio instead
                metrics.update(
                    run_early(configs['early'], name, args.early_ratios,
                              args.work_dir))
                continue
            metrics.update({
                f'{protocol}/{k.split("/")[-1]}': float(v)
                for k, v in tested.items() if k.startswith('acc/')
            })
        if 'dense' in configs:
            metrics.update({
                k: float(v)
                for k, v in
                run_recognition(configs['dense'], 'dense', name, ckpt,
                                args.work_dir, args.timelines).items()
                if k.startswith(DENSE_PREFIXES)
            })
        if 'knn' in configs:
            metrics.update({
                k: float(v)
                for k, v in run_knn(configs['knn'], name, ckpt,
                                    args.work_dir).items()
            })
        results[name] = metrics

    atomic_write_json(
        dict(encoders=dict(args.encoders), results=results),
        osp.join(args.work_dir, 'results.json'))
    text = table(results)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(text)
    print_log('\n' + text, logger='current', level=logging.INFO)
    print(text)
    return results


if __name__ == '__main__':
    main()
