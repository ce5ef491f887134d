"""Replay per-frame pose-estimator output as a live stream and print the
labels as they come.

    # OpenPose --write_json frames (or MMPose per-image JSON) at 30 fps
    python tools/demo/stream_demo.py CONFIG CHECKPOINT FRAMES_DIR \
        --layout openpose-body25 --fps 30
    # as fast as the model runs, writing everything to a JSON file
    python tools/demo/stream_demo.py CONFIG CHECKPOINT FRAMES_DIR \
        --fps 0 --out stream.json

``FRAMES_DIR`` holds one JSON file per frame: OpenPose
``<video>_<frame>_keypoints.json`` or MMPose per-image results (a list of
instances), ordered by the frame number in their names; a whole-video
MMPose results ``.json`` is replayed too. Every file is read when its
frame is due (``--fps``) and pushed into
:class:`~usdrl_mm.apis.StreamingDetector` (a dense config: per-frame labels
when they change, and action segments when they close) or
:class:`~usdrl_mm.apis.StreamingRecognizer` (a clip config: the label of
the last window), chosen from the config. People are linked across frames
online (``--tracking``). An unusable input ends with ``error: ...`` on
stderr and exit code 1.
"""
import argparse
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Sequence, Union

from usdrl_mm.apis import StreamingDetector, StreamUpdate, init_model
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_img_shape_argument, check_device)
from usdrl_mm.apis.cli import CommandError, report_errors
from usdrl_mm.apis.config_lookup import load_config
from usdrl_mm.apis.label_map import read_label_map
from usdrl_mm.apis.streaming import replay_frames, stream_for
from usdrl_mm.engine import add_allow_partial_argument
from usdrl_mm.fileio import atomic_write_json

Label = Union[int, str]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        'frames',
        help='folder of per-frame OpenPose / MMPose JSON files, or a '
        'whole-video MMPose results .json')
    parser.add_argument(
        '--layout',
        help='skeleton layout of the frames (openpose-body25, '
        'openpose-body25b, coco, ...), checked against the model; OpenPose '
        '18-keypoint and MMPose 17-keypoint frames fix it themselves')
    parser.add_argument(
        '--fps',
        type=float,
        default=30.,
        help='replay rate in frames per second; 0: as fast as the model '
        'runs (default 30)')
    parser.add_argument(
        '--video', help='the video to replay of a folder with several')
    add_img_shape_argument(
        parser,
        help='video frame size the pixel keypoints are normalised by '
        '(default 1080 1920)')
    parser.add_argument(
        '--tracking',
        default='score',
        choices=('score', 'continuity', 'none'),
        help='how the people of a frame are linked to earlier frames '
        '(none: the order of the file)')
    parser.add_argument(
        '--mode',
        choices=('stitched', 'trailing'),
        help='dense configs: the offline test windows (stitched), or a '
        'window ending at every --hop-th frame (trailing); default: '
        'trailing for a causal encoder, else stitched')
    parser.add_argument(
        '--hop', type=int, default=1, help='frames between trailing windows')
    parser.add_argument(
        '--window',
        type=int,
        help='recognition: frames per classified window (default: the '
        "encoder's clip_len)")
    parser.add_argument(
        '--interval',
        type=int,
        help='recognition: frames between windows (default window // 8)')
    parser.add_argument(
        '--label-map',
        help='class names, one per line in label order (actions only for '
        'dense configs); default: class indices')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--out', help='write everything reported as JSON')
    add_cfg_options_argument(parser)
    add_allow_partial_argument(parser)
    return parser.parse_args(argv)


def label_of(label: int, names: Optional[Sequence[str]]) -> Label:
    return names[label] if names is not None else int(label)


class Printer:
    """Prints what each update adds and keeps it for ``--out``."""

    def __init__(self, dense: bool, names: Optional[List[str]]) -> None:
        self.dense = dense
        self.names = names
        self.frame_labels: List[int] = []  # -1 background, dense only
        self.segments: List[Dict] = []
        self.windows: List[Dict] = []
        self._shown: Optional[int] = None

    def action(self, frame_label: int) -> str:
        """A dense frame label (0 background) as printed."""
        if frame_label == 0:
            return 'background'
        return str(label_of(frame_label - 1, self.names))

    def show(self, update: StreamUpdate) -> None:
        at = f'[frame {update.frame:6d}]'
        for frame, label, scores in zip(update.frames, update.frame_labels,
                                        update.frame_scores):
            self.frame_labels.append(int(label) - 1)
            if label != self._shown:
                self._shown = int(label)
                print(f'{at} from frame {frame}: {self.action(label)} '
                      f'({scores[label]:.3f})')
        for seg in update.segments:
            self.segments.append(
                dict(
                    start=seg.start,
                    end=seg.end,
                    label=label_of(seg.label, self.names),
                    score=seg.score,
                    reported_at=seg.reported_at))
            print(f'{at} segment [{seg.start}, {seg.end}) '
                  f'{label_of(seg.label, self.names)} {seg.score:.3f} '
                  f'({seg.latency} frames after its end)')
        if update.label is not None:
            start, end = update.window
            name = label_of(update.label, self.names)
            self.windows.append(
                dict(start=start, end=end, label=name, score=update.score))
            print(f'{at} frames [{start}, {end}): {name} '
                  f'({update.score:.3f})')


def run(args: argparse.Namespace) -> Dict:
    """Replay the frames; returns what ``--out`` gets."""
    if args.fps < 0:
        raise CommandError(f'--fps must be >= 0, got {args.fps}')
    check_device(args.device)
    if not osp.exists(args.frames):
        raise CommandError(f'{args.frames}: no such folder or file')
    if not osp.isfile(args.checkpoint):
        raise CommandError(f'checkpoint {args.checkpoint} not found')
    cfg = load_config(args.config, args.cfg_options)
    model = init_model(
        cfg, args.checkpoint, args.device, strict=not args.allow_partial)
    options = dict(
        layout=args.layout,
        img_shape=args.img_shape,
        tracking=None if args.tracking == 'none' else args.tracking,
        name=osp.basename(osp.normpath(args.frames)))
    if type(getattr(model, 'cls_head', None)).__name__ == 'DenseFrameHead':
        options.update(mode=args.mode, hop=args.hop)
    else:
        options.update(window=args.window, interval=args.interval)
    stream = stream_for(model, **options)
    dense = isinstance(stream, StreamingDetector)
    names = None
    if args.label_map:
        names = read_label_map(
            args.label_map, stream.num_classes - dense,
            'action classes (background excluded)' if dense else 'classes')
    printer = Printer(dense, names)
    pace = f'at {args.fps:g} fps' if args.fps else 'as fast as it runs'
    print(f'replaying {args.frames} into {type(stream).__name__} {pace}')
    start = time.perf_counter()
    compute = 0.
    for i, (frame, fixed) in enumerate(replay_frames(args.frames, args.video)):
        if args.fps:  # wait until the frame is due
            time.sleep(max(0., start + i / args.fps - time.perf_counter()))
        if stream.layout is None and fixed is not None:
            stream.layout = fixed
        keypoints, scores = frame
        tic = time.perf_counter()
        update = stream.push(keypoints, scores)
        compute += time.perf_counter() - tic
        printer.show(update)
    num_frames = stream.num_frames
    printer.show(stream.flush())
    ms = 1000. * compute / max(num_frames, 1)
    print(f'{num_frames} frames, {ms:.2f} ms per frame in the model')
    return dict(
        frames=args.frames,
        config=args.config,
        checkpoint=args.checkpoint,
        stream=type(stream).__name__,
        num_frames=num_frames,
        ms_per_frame=ms,
        frame_labels=printer.frame_labels if dense else None,
        segments=printer.segments if dense else None,
        windows=None if dense else printer.windows)


def run_and_save(args: argparse.Namespace) -> None:
    """:func:`run`, then write ``--out``."""
    out = run(args)
    if args.out:
        atomic_write_json(out, args.out)
        print(f'results written to {args.out}')


def main(argv: Optional[List[str]] = None) -> int:
    return report_errors(
        run_and_save, parse_args(argv), errors=(FileNotFoundError, ValueError))


if __name__ == '__main__':
    sys.exit(main())
