"""Run a trained model on one skeleton file: top-k action labels of trimmed
clips, or action segments and per-frame labels of an untrimmed sequence.

    # top-5 classes of a clip (MMPose / OpenPose / MediaPipe output, .npy,
    # or a PoseDataset .pkl; --index picks one sample of a pickle)
    python tools/demo/skeleton_demo.py INPUT CONFIG CHECKPOINT \
        --label-map label_map.txt --out result.json --show-plot topk.png
    # segments of an untrimmed sequence with a detection config
    python tools/demo/skeleton_demo.py sequence.npy DENSE_CONFIG CKPT \
        --out segments.json --show-plot timeline.png

The task follows the config (``--task auto``): a ``DenseFrameHead`` or an
``UntrimmedPoseDataset`` test set means detection (proposals by the
config's ``PKUDetectionMetric`` rule) or, with only a
``SegmentationMetric``, segmentation (per-frame argmax after its
smoothing); any other config is a clip recognizer. Inputs are read and
checked as :func:`usdrl_mm.apis.load_skeletons` and the inference functions
do; an unusable input ends with ``error: ...`` on stderr and exit code 1.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.config import Config
from torch import nn

from usdrl_mm import apis
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_img_shape_argument, check_device)
from usdrl_mm.apis.cli import CommandError, report_errors
from usdrl_mm.apis.inference import configured_geometry
from usdrl_mm.datasets.converters.pose2d import check_max_persons
from usdrl_mm.datasets.untrimmed_pose_dataset import frame_labels_from_segments
from usdrl_mm.engine import add_allow_partial_argument
from usdrl_mm.fileio import add_trust_pickle_argument, atomic_write_json
from usdrl_mm.visualization.timeline import plot_timeline

TASKS = ('auto', 'recognition', 'detection', 'segmentation')
DENSE_METRICS = {
    'PKUDetectionMetric': 'detection',
    'SegmentationMetric': 'segmentation'
}
MAX_PLOTTED_CLIPS = 6  # bar charts in one --show-plot figure
MAX_PRINTED = 20  # segments listed on stdout (all go to --out)

Label = Union[int, str]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        'input',
        help='skeleton file: .npy (M, T, V, C) or (T, V, C), PoseDataset '
        '.pkl, MMPose .json / .pkl, MediaPipe .json, or an OpenPose folder '
        'of *_keypoints.json files')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='write the results as JSON here')
    parser.add_argument(
        '--show-plot',
        metavar='PNG',
        help='write a plot: top-k scores of each clip, or the timeline of '
        'an untrimmed sequence')
    parser.add_argument(
        '--label-map',
        help='class names, one per line in label order (actions only for '
        'detection / segmentation); default: class indices')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--top-k', type=int, default=5, help='classes reported per clip')
    parser.add_argument(
        '--task',
        default='auto',
        choices=TASKS,
        help='auto: from the config (dense head -> detection or '
        'segmentation, else recognition)')
    parser.add_argument(
        '--format',
        default='auto',
        choices=('auto', ) + apis.FORMATS,
        help='input format; auto: by extension and content')
    parser.add_argument(
        '--layout',
        help='skeleton layout of the input (nturgb+d, coco, openpose, '
        'openpose-body25, mediapipe-33, ...), checked against the model; '
        'needed only where the format does not fix it')
    parser.add_argument(
        '--index',
        help='the sample of a file with several (position or name): a '
        'PoseDataset pickle or an OpenPose folder with several videos')
    add_img_shape_argument(
        parser,
        help='video frame size for 2D pose-estimator output (default '
        '1080 1920)')
    add_cfg_options_argument(parser)
    add_trust_pickle_argument(parser)
    add_allow_partial_argument(parser)
    return parser.parse_args(argv)


def pick_task(cfg: Config, task: str) -> str:
    """The task of ``--task`` checked against the config, or the config's
    own for ``auto``."""
    head = cfg.model.get('cls_head')
    if not head or 'num_classes' not in head:
        raise CommandError('the config has no classification head '
                           '(model.cls_head with num_classes); use a '
                           'recognition, detection or segmentation config')
    dense = head.get('type') == 'DenseFrameHead' or apis.dataset_cfg(cfg).get(
        'type') == 'UntrimmedPoseDataset'
    if task == 'auto':
        if not dense:
            return 'recognition'
        for metric in apis.evaluator_cfgs(cfg):
            if metric.get('type') in DENSE_METRICS:
                return DENSE_METRICS[metric['type']]
        return 'segmentation'
    if task == 'recognition' and dense:
        raise CommandError('the config has a per-frame head for untrimmed '
                           'sequences; use --task detection or segmentation '
                           '(or auto)')
    if task != 'recognition' and not dense:
        raise CommandError(f'--task {task} needs a detection / segmentation '
                           'config (DenseFrameHead, UntrimmedPoseDataset test '
                           'set); this one classifies whole clips')
    return task


def parse_index(index: Optional[str]) -> Optional[Union[int, str]]:
    if index is None:
        return None
    try:
        return int(index)
    except ValueError:
        return index  # a sample name


def label_of(label: int, names: Optional[Sequence[str]]) -> Label:
    return names[label] if names is not None else int(label)


def run_recognition(model: nn.Module, source: apis.SkeletonFile,
                    names: Optional[List[str]], top_k: int) -> List[Dict]:
    """Top-k classes of every clip of the file, highest score first."""
    results = apis.inference_recognizer(model, source)
    clips = []
    for anno, result in zip(source.annotations, results):
        scores = result['scores']  # (K, )
        order = np.argsort(-scores, kind='stable')[:top_k]
        clips.append(
            dict(
                sample=str(anno.get('frame_dir')),
                num_frames=int(np.shape(anno['keypoint'])[1]),
                topk=[
                    dict(
                        label=label_of(int(c), names),
                        label_id=int(c),
                        score=float(scores[c])) for c in order
                ]))
    return clips


def run_dense(model: nn.Module, source: apis.SkeletonFile, task: str,
              names: Optional[List[str]]) -> Dict:
    """Segments ``[start_frame, end_frame, label, score]`` (end exclusive)
    and per-frame action labels (-1 = background) of one sequence.

    Detection takes the proposals of :func:`inference_action_detector`, the
    frame labels being those of the best-scoring proposal covering each
    frame; segmentation takes the per-frame argmax of the config-smoothed
    scores, the segments being its runs.
    """
    num_frames = int(np.shape(source.annotations[0]['keypoint'])[1])
    frame_labels = np.full(num_frames, -1, dtype=np.int64)
    scores = None
    if task == 'detection':
        rule = apis.proposal_rule(model.cfg)
        segments = apis.inference_action_detector(model, source, rule)
        best = np.full(num_frames, -np.inf)
        for seg in segments:
            span = slice(seg['start'], seg['end'])
            better = best[span] < seg['score']
            frame_labels[span][better] = seg['label']
            best[span][better] = seg['score']
        settings = dict(proposal=rule)
    else:
        smooth = apis.segmentation_smooth(model.cfg)
        result = apis.inference_action_segmentor(model, source, smooth=smooth)
        segments, scores = result['segments'], result['scores']
        frame_labels = result['labels'] - 1  # background 0 -> -1
        settings = dict(smooth=smooth)
    segments = sorted(segments, key=lambda s: (s['start'], -s['score']))
    return dict(
        sample=str(source.annotations[0].get('frame_dir')),
        num_frames=num_frames,
        settings=settings,
        segments=[[
            int(s['start']),
            int(s['end']),
            label_of(s['label'], names),
            float(s['score'])
        ] for s in segments],
        frame_labels=frame_labels.tolist(),
        scores=scores)


def plot_topk(clips: List[Dict], out_file: str) -> None:
    """Horizontal bars of the top-k scores, one panel per clip."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    shown = clips[:MAX_PLOTTED_CLIPS]
    k = max(len(c['topk']) for c in shown)
    fig, axes = plt.subplots(
        len(shown), 1, figsize=(6, 0.35 * k * len(shown) + 0.9), squeeze=False)
    for ax, clip in zip(axes[:, 0], shown):
        labels = [str(p['label']) for p in clip['topk']]
        scores = [p['score'] for p in clip['topk']]
        ax.barh(range(len(scores)), scores, color='tab:blue')
        ax.set_yticks(range(len(scores)), labels, fontsize=8)
        ax.invert_yaxis()  # best on top
        ax.set_xlim(0, 1)
        for y, s in enumerate(scores):
            ax.text(
                min(s, 0.85) + 0.01, y, f'{s:.3f}', va='center', fontsize=7)
        ax.set_title(
            f'{clip["sample"]} ({clip["num_frames"]} frames)', fontsize=9)
    axes[-1, 0].set_xlabel('score')
    if len(clips) > len(shown):
        fig.suptitle(f'first {len(shown)} of {len(clips)} clips', fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=100)
    plt.close(fig)


def plot_sequence(result: Dict, source: apis.SkeletonFile, task: str,
                  names: Optional[List[str]], out_file: str) -> None:
    """The timeline of :func:`plot_timeline`: the input's ground truth
    (``segments`` of an annotation pickle, else an empty bar) above the
    prediction (the segments for detection, the frame labels for
    segmentation)."""
    anno = source.annotations[0]
    t = result['num_frames']
    if 'segments' in anno:
        gt = frame_labels_from_segments(anno['segments'], t)
        title = result['sample']
    else:
        gt = np.zeros(t, dtype=np.int64)
        title = f'{result["sample"]} (no ground truth in the input)'
    pred = np.asarray(result['frame_labels']) + 1  # -1 -> 0 = background
    num_actions = int(max(pred.max(), gt.max(), 1))
    class_names = names or [str(c) for c in range(num_actions)]
    plot_timeline(
        gt,
        pred,
        out_file,
        title=f'{title}: {task}',
        class_names=class_names,
        scores=result['scores'])


def report_recognition(clips: List[Dict]) -> None:
    for clip in clips:
        print(f'{clip["sample"]} ({clip["num_frames"]} frames):')
        for rank, p in enumerate(clip['topk'], 1):
            print(f'  {rank}. {p["label"]}  {p["score"]:.4f}')


def report_dense(result: Dict) -> None:
    segments = result['segments']
    print(f'{result["sample"]} ({result["num_frames"]} frames): '
          f'{len(segments)} segment{"s" * (len(segments) != 1)}')
    for start, end, label, score in segments[:MAX_PRINTED]:
        print(f'  [{start:6d}, {end:6d})  {label}  {score:.4f}')
    if len(segments) > MAX_PRINTED:
        print(f'  ... {len(segments) - MAX_PRINTED} more')


def run(args: argparse.Namespace) -> Dict:
    """Everything but the reporting: the results as written to --out."""
    if args.top_k < 1:
        raise CommandError(f'--top-k must be >= 1, got {args.top_k}')
    check_device(args.device)
    cfg = apis.load_config(args.config, args.cfg_options)
    task = pick_task(cfg, args.task)
    if not osp.isfile(args.checkpoint):
        raise CommandError(f'checkpoint {args.checkpoint} not found')
    num_classes = int(cfg.model.cls_head.num_classes)
    names = None
    if args.label_map:
        dense = task != 'recognition'
        names = apis.read_label_map(
            args.label_map,
            num_classes - dense,  # background
            'action classes (background excluded)' if dense else 'classes')
    # people kept per video of pose-estimator input: the model's persons
    # (checked before the model is built)
    max_persons = check_max_persons(
        configured_geometry(cfg)['num_persons'], 'model.backbone.num_persons')
    source = apis.load_skeletons(
        args.input,
        format=args.format,
        layout=args.layout,
        index=parse_index(args.index),
        img_shape=args.img_shape,
        max_persons=max_persons,
        trust_pickle=args.trust_pickle)
    if task != 'recognition' and len(source.annotations) != 1:
        raise CommandError(f'{args.input} holds {len(source.annotations)} '
                           'sequences; pick one with --index (position or '
                           'name)')
    model = apis.init_model(
        cfg, args.checkpoint, args.device, strict=not args.allow_partial)
    out = dict(
        input=args.input,
        format=source.format,
        layout=source.layout,
        config=args.config,
        checkpoint=args.checkpoint,
        task=task,
        classes=names)
    if task == 'recognition':
        out['clips'] = run_recognition(model, source, names,
                                       min(args.top_k, num_classes))
        if args.show_plot:
            plot_topk(out['clips'], args.show_plot)
    else:
        result = run_dense(model, source, task, names)
        if args.show_plot:
            plot_sequence(result, source, task, names, args.show_plot)
        del result['scores']  # (T, K) floats: too large for the summary
        out.update(result)
    return out


def run_and_report(args: argparse.Namespace) -> None:
    """:func:`run`, then print the results and write ``--out``."""
    out = run(args)
    if out['task'] == 'recognition':
        report_recognition(out['clips'])
    else:
        report_dense(out)
    if args.out:
        atomic_write_json(out, args.out)
        print(f'results written to {args.out}')
    if args.show_plot:
        print(f'plot written to {args.show_plot}')


def main(argv: Optional[List[str]] = None) -> int:
    return report_errors(
        run_and_report,
        parse_args(argv),
        errors=(FileNotFoundError, ValueError))


if __name__ == '__main__':
    sys.exit(main())
