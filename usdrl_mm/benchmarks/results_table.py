"""One results table from the runs of a benchmark: protocols x seeds.

Every run (one protocol, one seed) leaves the ``results.json`` of
``tools/analysis_tools/eval_encoders.py``: ``{encoder: {metric: value}}``
with metric keys ``protocol/metric`` (``linear/top1``, ``linear/mean1``,
``knn/top1_k5``, ``early/top1@0.5``, ``detection/mAP_a@0.5``,
``segmentation/edit``, ...). :func:`aggregate` gathers them into
``{protocol: {encoder: {metric: {'seeds': {seed: value}, 'mean': value}}}}``
and :func:`report_markdown` writes the table of every protocol beside the
data the runs saw.
"""
import math
import re
from typing import Dict, List, Mapping, Optional, Sequence

from .class_distribution import distribution_markdown

#: row order of the table: the downstream protocols in the benchmark's order
PROTOCOL_ORDER = ('linear', 'finetune', 'semi', 'knn', 'early', 'detection',
                  'segmentation')
#: metric names in row order within a protocol (kNN's ``top1_k{k}`` is
#: ``top1_k``, its ``mean1_k{k}`` ``mean1_k``)
METRIC_ORDER = ('top1', 'mean1', 'top5', 'top1_k', 'mean1_k', 'acc', 'edit',
                'f1', 'mAP_a', 'mAP_a_present', 'mAP_v')
_VARIANT = re.compile(r'_(bg\d+|nobg)$')


def metric_order(key: str) -> tuple:
    """Sort key of a metric key: protocol, convention suffix (segmentation's
    ``_bg0``), the early-prediction ratio, the metric name, then its k /
    threshold."""
    protocol, _, metric = key.partition('/')
    rank = PROTOCOL_ORDER.index(protocol) if protocol in PROTOCOL_ORDER \
        else len(PROTOCOL_ORDER)
    variant = _VARIANT.search(metric)
    suffix = variant.group(0) if variant else ''
    name, _, at = metric[:len(metric) - len(suffix)].partition('@')
    knn = re.fullmatch(r'(top1|mean1)_k(\d+)', name)
    number = float(at) if at else float(knn.group(2)) if knn else 0.
    name = f'{knn.group(1)}_k' if knn else name
    name_rank = METRIC_ORDER.index(name) if name in METRIC_ORDER \
        else len(METRIC_ORDER)
    ratio = number if protocol == 'early' else 0.
    return rank, suffix, ratio, name_rank, number, metric


def shown(key: str) -> bool:
    """Whether a metric gets a row in the markdown table (every metric is in
    the JSON): top-5 accuracies are left out."""
    return not key.endswith('top5')


def aggregate(
    runs: Mapping[str, Mapping[str, Mapping[str, Mapping[str, float]]]]
) -> Dict[str, Dict[str, Dict[str, Dict]]]:
    """``{protocol: {seed: {encoder: {metric: value}}}}`` ->
    ``{protocol: {encoder: {metric: {'seeds': {seed: value}, 'mean':
    value}}}}``; the mean is over the seeds that report the metric."""
    out: Dict[str, Dict[str, Dict[str, Dict]]] = {}
    for protocol, seeds in runs.items():
        table: Dict[str, Dict[str, Dict]] = {}
        for seed, encoders in seeds.items():
            for encoder, metrics in encoders.items():
                for key, value in metrics.items():
                    cell = table.setdefault(encoder, {}).setdefault(
                        key, dict(seeds={}))
                    cell['seeds'][str(seed)] = float(value)
        for metrics in table.values():
            for cell in metrics.values():
                values = list(cell['seeds'].values())
                cell['mean'] = sum(values) / len(values)
            ordered = sorted(metrics, key=metric_order)
            metrics_sorted = {k: metrics[k] for k in ordered}
            metrics.clear()
            metrics.update(metrics_sorted)
        out[protocol] = table
    return out


def _cell(value: Optional[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '-'
    return f'{value:.4f}'


def protocol_table(results: Mapping[str, Mapping[str, Mapping]],
                   seeds: Sequence, encoders: Sequence[str]) -> str:
    """Markdown table of one protocol from :func:`aggregate`: one row per
    metric; per encoder one column per seed and their mean (just the value
    for a single seed)."""
    seeds = [str(s) for s in seeds]
    keys = sorted(
        {k
         for e in encoders
         for k in results.get(e, {}) if shown(k)},
        key=metric_order)
    header: List[str] = []
    for encoder in encoders:
        if len(seeds) > 1:
            header += [f'{encoder}, seed {s}' for s in seeds]
            header.append(f'{encoder}, mean')
        else:
            header.append(encoder)
    lines = [
        '| metric | ' + ' | '.join(header) + ' |',
        '|---|' + '---|' * len(header)
    ]
    for key in keys:
        cells = []
        for encoder in encoders:
            cell = results.get(encoder, {}).get(key)
            per_seed = [cell['seeds'].get(s) if cell else None for s in seeds]
            cells += [_cell(v) for v in per_seed] if len(seeds) > 1 else []
            cells.append(_cell(cell['mean'] if cell else None))
        lines.append(f'| `{key}` | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def report_markdown(report: Mapping) -> str:
    """The whole benchmark report (the ``results.json`` of
    ``tools/analysis_tools/real_benchmark_report.py``) as markdown."""
    seeds = report['seeds']
    encoders = report['encoders']
    lines = [
        f'# {report["dataset_name"]}: MG-FD pretrained vs random-init '
        'encoder', '',
        f'Recipe `{report["recipe"]}`; seeds {", ".join(map(str, seeds))}; '
        'values are fractions (accuracies of the test split, mAP, Edit and '
        'F1 / 1). `mean1` is the mean-class accuracy (MMAction2\'s '
        '`mean_class_accuracy`: over the classes in the test labels or the '
        'predictions), beside the top-1 accuracy `top1`. `early/top1@r`: '
        'top-1 after observing the first r of each test clip. The configs '
        'of every run are listed in `results.json` (`runs`).', '', '## Data',
        '',
        distribution_markdown(report['data']).rstrip('\n')
    ]
    for protocol, results in report['results'].items():
        lines += ['', f'## {protocol}', '']
        lines.append(protocol_table(results, seeds, encoders).rstrip('\n'))
        pictures = report.get('pictures', {}).get(protocol, {})
        for title, paths in pictures.items():
            for path in paths:
                lines += ['', f'{title}: `{path}`', '', f'![{title}]({path})']
    timings = report.get('timings')
    if timings:
        lines += [
            '', '## Wall time per step', '', '| step | seconds |', '|---|---|'
        ]
        lines += [f'| {t["step"]} | {t["seconds"]:.0f} |' for t in timings]
    return '\n'.join(lines) + '\n'
