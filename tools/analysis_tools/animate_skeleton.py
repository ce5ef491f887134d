"""Animate one skeleton sample as a GIF or an MP4.

INPUT is an annotation ``.pkl`` (the sample ``--index`` of its
``annotations``) or a ``.npy`` array ``(M, T, V, C)``. Bones come from the
layout's parents, each person has its own colour, 3D joints are drawn as
seen along z (``--view xy``) or from a fixed oblique camera
(``--view oblique``), and the axis limits hold for the whole clip. With
``--config`` and ``--checkpoint`` a recognizer classifies the sample and the
title shows its label and score.

    python tools/analysis_tools/animate_skeleton.py INPUT [--index I] \
        [--layout nturgb+d] [--view xy|oblique] \
        [--config CONFIG --checkpoint CKPT] [--label-map FILE] \
        [--fps 15] [--out sample.gif|sample.mp4]

Prints one JSON line: the output, its frame count and the prediction.
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

from usdrl_mm.apis.arguments import add_cfg_options_argument
from usdrl_mm.apis.label_map import read_label_map
from usdrl_mm.fileio import add_trust_pickle_argument, load_npy, load_pickle
from usdrl_mm.structures.skeleton_layout import list_layouts
from usdrl_mm.visualization import skeleton_animation


def load_sample(path: str, index: int, trust_pickle: bool = False) -> Dict:
    """An annotation dict with at least ``keypoint`` and ``frame_dir``."""
    if path.endswith('.npy'):
        keypoint = load_npy(path, trust=trust_pickle)
        if keypoint.ndim != 4:
            raise ValueError(f'{path} must hold an (M, T, V, C) array, got '
                             f'shape {keypoint.shape}')
        name = osp.splitext(osp.basename(path))[0]
        return dict(keypoint=keypoint, frame_dir=name)
    if not path.endswith('.pkl'):
        raise ValueError(f'INPUT must be a .pkl or a .npy file, got {path}')
    data = load_pickle(path, trust=trust_pickle)
    annos = data['annotations'] if isinstance(data, dict) else data
    if not -len(annos) <= index < len(annos):
        raise IndexError(f'--index {index} out of range: {path} holds '
                         f'{len(annos)} samples')
    anno = dict(annos[index])
    anno.setdefault('frame_dir', f'sample_{index % len(annos)}')
    return anno


def predict(anno: Dict, args: argparse.Namespace) -> Dict:
    """``inference_recognizer``'s label and score for the sample."""
    from usdrl_mm.apis import inference_recognizer, init_model

    model = init_model(
        args.config,
        checkpoint=args.checkpoint,
        device=args.device,
        cfg_options=args.cfg_options)
    sample = {
        k: anno[k]
        for k in ('keypoint', 'keypoint_score', 'frame_dir') if k in anno
    }
    result = inference_recognizer(model, sample, label_map=args.label_map)
    return {k: v for k, v in result.items() if k != 'scores'}


def main(argv: Optional[List[str]] = None) -> Dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='annotation .pkl or (M, T, V, C) .npy')
    parser.add_argument(
        '--index', type=int, default=0, help='sample of a .pkl')
    parser.add_argument('--layout', default='nturgb+d', choices=list_layouts())
    parser.add_argument(
        '--view', default='xy', choices=skeleton_animation.VIEWS)
    parser.add_argument('--config', help='recognition config')
    parser.add_argument('--checkpoint', help='recognizer checkpoint')
    parser.add_argument(
        '--label-map', help='class names, one per line, in label order')
    parser.add_argument('--fps', type=float, default=15)
    parser.add_argument(
        '--size', type=int, default=480, help='frame side in pixels')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--out',
        help='.gif or .mp4; default work_dirs/animate_skeleton/'
        '<sample>.gif')
    add_cfg_options_argument(parser)
    add_trust_pickle_argument(parser)
    args = parser.parse_args(argv)
    if (args.config is None) != (args.checkpoint is None):
        parser.error('--config and --checkpoint go together')

    try:
        anno = load_sample(args.input, args.index, args.trust_pickle)
    except (ValueError, IndexError) as err:
        sys.exit(f'animate_skeleton: {err}')
    try:
        names = read_label_map(args.label_map) if args.label_map else None
    except FileNotFoundError as err:
        sys.exit(f'animate_skeleton: {err}')
    title = [anno['frame_dir']]
    if 'label' in anno:
        label = int(anno['label'])
        title.append(f'true: {names[label] if names else label}')
    prediction = None
    if args.config is not None:
        prediction = predict(anno, args)
        shown = prediction.get('label_name', prediction['label'])
        title.append(f'predicted: {shown} ({prediction["score"]:.2f})')
    try:
        frames = skeleton_animation.render_skeleton_frames(
            anno['keypoint'],
            layout=args.layout,
            view=args.view,
            title='\n'.join(title),
            size=args.size)  # (T, H, W, 3)
    except ValueError as err:  # a layout of other joints, NaN coordinates
        sys.exit(f'animate_skeleton: {err}')
    out = args.out or osp.join('work_dirs', 'animate_skeleton',
                               f'{anno["frame_dir"]}.gif')
    skeleton_animation.write_animation(frames, out, fps=args.fps)
    summary = dict(
        out=out,
        frames=int(frames.shape[0]),
        size=list(frames.shape[1:3]),
        fps=args.fps,
        prediction=prediction)
    print(json.dumps(summary))
    return summary


if __name__ == '__main__':
    main()
