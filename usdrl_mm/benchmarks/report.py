"""Gather a finished real-data benchmark into ``results.json`` / ``.md``.

Reads the manifest that :func:`usdrl_mm.benchmarks.prepare.prepare_benchmark`
wrote, every run's ``eval/results.json`` (from
``tools/analysis_tools/eval_encoders.py``), the data the runs saw (files of
the raw release, videos and clips per class of every split), the pictures
the runs drew and the wall time of every step (``timings.tsv``, one
``step<TAB>seconds`` line per step, appended by the benchmark script).
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Mapping

from usdrl_mm.fileio import load_pickle
from .class_distribution import class_counts, count_pku_files, protocol_summary
from .prepare import MANIFEST
from .results_table import aggregate, report_markdown

TIMINGS = 'timings.tsv'
LABEL_NOTES = dict(pku1='PKU-MMD label files number class c as c + 1')


def data_summary(manifest: Mapping) -> Dict:
    """Files found, videos per split and clips per class of every split the
    protocols use."""
    data = manifest['data']
    protocols = manifest['protocols']
    splits = [f'{p}_{part}' for p in protocols for part in ('train', 'val')]
    counts = class_counts(
        load_pickle(data['trimmed']), manifest['num_classes'], splits)
    summary = dict(
        num_classes=manifest['num_classes'],
        class_counts=counts,
        protocols={p: protocol_summary(counts, p)
                   for p in protocols})
    if manifest['dataset'] in LABEL_NOTES:
        summary['label_note'] = LABEL_NOTES[manifest['dataset']]
    if manifest['dataset'] == 'pku1' and data.get('raw_root'):
        summary['files'] = count_pku_files(data['raw_root'])
    if data.get('untrimmed'):
        videos = load_pickle(data['untrimmed'])['split']
        summary['videos'] = {
            p:
            dict(
                train=len(videos.get(f'{p}_train', [])),
                test=len(videos.get(f'{p}_val', [])))
            for p in protocols
        }
    return summary


def read_timings(out_dir: str) -> List[Dict]:
    """``[{'step', 'seconds'}]`` from ``timings.tsv``; a step run again (after
    an interruption) keeps its last time."""
    path = osp.join(out_dir, TIMINGS)
    if not osp.isfile(path):
        return []
    seconds: Dict[str, float] = {}
    with open(path) as f:
        for line in f:
            step, _, value = line.rstrip('\n').rpartition('\t')
            if step:
                seconds[step] = float(value)
    return [dict(step=k, seconds=v) for k, v in seconds.items()]


def run_pictures(out_dir: str, run: str, encoders: List[str]) -> Dict:
    """``{title: [paths relative to out_dir]}`` of the pictures of one run
    that exist: the t-SNE map, the first detection timeline and the
    early-prediction curve of every encoder."""
    pictures: Dict[str, List[str]] = {}

    def add(title: str, pattern: str) -> None:
        found = sorted(glob.glob(osp.join(out_dir, run, pattern)))
        if found:
            pictures[title] = [osp.relpath(found[0], out_dir)]

    add('t-SNE of both encoders', 'tsne.png')
    for encoder in encoders:
        add(f'detection timeline, {encoder} encoder',
            f'eval/dense_{encoder}/timelines/timeline_*.png')
    for encoder in encoders:
        add(f'early-prediction curve, {encoder} encoder',
            f'eval/early_{encoder}/curve/early_prediction.png')
    return pictures


def build_report(out_dir: str) -> Dict:
    """The report of the benchmark in ``out_dir``; fails naming the run
    whose results are missing."""
    with open(osp.join(out_dir, MANIFEST)) as f:
        manifest = json.load(f)
    runs: Dict[str, Dict[str, Dict]] = {}
    pictures = {}
    for protocol, seeds in manifest['runs'].items():
        for seed, run in seeds.items():
            path = osp.join(out_dir, run['dir'], 'eval', 'results.json')
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'{path} not found: the evaluation of {protocol}, seed '
                    f'{seed} did not finish; see '
                    f'{osp.join(out_dir, run["dir"], "eval.log")}')
            with open(path) as f:
                runs.setdefault(protocol, {})[seed] = json.load(f)['results']
        first = seeds[str(manifest['seeds'][0])]['dir']
        pictures[protocol] = run_pictures(out_dir, first, manifest['encoders'])
    return dict(
        dataset=manifest['dataset'],
        dataset_name=manifest['dataset_name'],
        recipe=manifest['recipe'],
        seeds=manifest['seeds'],
        encoders=manifest['encoders'],
        data=data_summary(manifest),
        results=aggregate(runs),
        pictures=pictures,
        timings=read_timings(out_dir),
        runs=manifest['runs'])


def write_report(out_dir: str) -> Dict:
    """Write ``results.json`` and ``results.md`` to ``out_dir``."""
    report = build_report(out_dir)
    with open(osp.join(out_dir, 'results.json'), 'w') as f:
        json.dump(report, f, indent=1)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(report_markdown(report))
    return report
