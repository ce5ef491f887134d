"""Speed and latency of streaming inference (:mod:`usdrl_mm.apis.streaming`)
on this machine.

:func:`benchmark_streaming` replays a skeleton sequence frame by frame into
a stream and times every ``push``:

- **ms per frame**: the mean wall time of a push over the whole sequence
  (windows run only on some frames, so this is the amortised cost), with
  the 95th percentile and the slowest push (the frames that run a window);
- **frames per second**: ``1000 / ms per frame``, the highest input rate
  the stream keeps up with on average;
- **end-to-segment latency** (dense models): the frames from an action's
  last frame ``f`` to the push that reports its segment, and that in
  milliseconds at the input rate ``fps`` plus the reporting push's own
  time. A segment closes when the row that leaves it is decided, which
  needs the scores of frames up to ``f + d`` (``d`` the rule's
  :attr:`~usdrl_mm.apis.streaming.OnlineSegments.delay`), so an action
  ending at ``f`` is reported by the push that makes frame ``f + d``'s
  score final. That push is recorded for every frame, so the latency is
  measured for an action ending at any frame (mean and max over the
  frames whose closing row comes before the flush, and for trailing
  windows once the buffer is first full), whatever the model
  detects: a random-init model finds few segments, a trained one the
  same latency. The segments the model did report before the flush are
  measured as well (:attr:`~usdrl_mm.apis.streaming.Segment.latency`).
  The largest possible value is :attr:`StreamingDetector.latency
  <usdrl_mm.apis.streaming.StreamingDetector.latency>`.

:func:`synthetic_sequence` makes the input: the project's synthetic
untrimmed sequences (NTU-25 bodies, 3D or 2D pixels with scores) for NTU
layout models, a smooth random walk of the model's geometry otherwise.
"""
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from usdrl_mm.apis.streaming import SkeletonStream, StreamingDetector
from usdrl_mm.datasets.synthetic import generate_untrimmed


@dataclass
class StreamingBenchmark:
    """The measurements of one :func:`benchmark_streaming` run.

    Args:
        kind (str): ``'detector'`` or ``'recognizer'``.
        settings (dict): The stream's window settings (mode, window,
            stride / hop / interval, rule).
        frames (int): Frames pushed.
        fps (float): The input rate the millisecond latencies assume.
        push_ms (list[float]): Wall time of every push, in milliseconds.
        flush_ms (float): Wall time of the flush.
        latency_frames (list[int]): For an action ending at frame ``f``,
            for every ``f`` whose closing row is final before the flush:
            frames from ``f`` to the push that reports its segment.
        latency_ms (list[float]): The same in milliseconds at ``fps``,
            plus that push's own time.
        segment_latency (list[int]): The latency in frames of every
            segment the model reported before the flush.
        latency_bound (int, optional): The stream's largest possible
            latency in frames (dense models).
        segments (int): Segments reported, the flush included.
    """

    kind: str
    settings: Dict
    frames: int
    fps: float
    push_ms: List[float] = field(repr=False)
    flush_ms: float
    latency_frames: List[int]
    latency_ms: List[float]
    segment_latency: List[int]
    latency_bound: Optional[int]
    segments: int

    @property
    def ms_per_frame(self) -> float:
        return float(np.mean(self.push_ms)) if self.push_ms else 0.

    @property
    def frames_per_second(self) -> float:
        ms = self.ms_per_frame
        return 1000. / ms if ms > 0 else float('inf')

    def summary(self) -> Dict:
        """The headline numbers as a JSON-ready dict."""
        push = np.asarray(self.push_ms)
        lat_f = np.asarray(self.latency_frames, float)
        lat_ms = np.asarray(self.latency_ms, float)
        out = dict(
            kind=self.kind,
            settings=self.settings,
            frames=self.frames,
            ms_per_frame=self.ms_per_frame,
            ms_p95=float(np.percentile(push, 95)) if push.size else 0.,
            ms_max=float(push.max()) if push.size else 0.,
            frames_per_second=self.frames_per_second,
            flush_ms=self.flush_ms,
            fps=self.fps,
            segments=self.segments)
        if self.kind == 'detector':
            found = np.asarray(self.segment_latency, float)

            def stat(values: np.ndarray, how) -> Optional[float]:
                return float(how(values)) if values.size else None

            out.update(
                latency_bound_frames=self.latency_bound,
                latency_ends=int(lat_f.size),
                latency_frames_mean=stat(lat_f, np.mean),
                latency_frames_max=stat(lat_f, np.max),
                latency_ms_mean=stat(lat_ms, np.mean),
                latency_ms_max=stat(lat_ms, np.max),
                segments_measured=int(found.size),
                segment_latency_frames_mean=stat(found, np.mean),
                segment_latency_frames_max=stat(found, np.max))
        return out

    def to_dict(self) -> Dict:
        """Everything, the per-push times included."""
        return dict(asdict(self), summary=self.summary())

    def format(self) -> str:
        """A few lines for a terminal."""
        s = self.summary()
        lines = [
            f'{self.kind}, {s["settings"]}',
            f'  {s["frames"]} frames: {s["ms_per_frame"]:.2f} ms/frame '
            f'(p95 {s["ms_p95"]:.2f}, max {s["ms_max"]:.2f}), '
            f'{s["frames_per_second"]:.1f} frames/s; flush '
            f'{s["flush_ms"]:.2f} ms'
        ]
        if self.kind == 'detector':
            if s['latency_ends']:
                lines.append(
                    '  end-to-segment latency: mean '
                    f'{s["latency_frames_mean"]:.1f} frames / '
                    f'{s["latency_ms_mean"]:.1f} ms, max '
                    f'{s["latency_frames_max"]:.0f} frames / '
                    f'{s["latency_ms_max"]:.1f} ms at {self.fps:g} fps, over '
                    f'{s["latency_ends"]} possible action ends (bound '
                    f'{s["latency_bound_frames"]} frames)')
            else:
                lines.append('  too few frames to measure the latency (bound '
                             f'{s["latency_bound_frames"]} frames)')
            if s['segments_measured']:
                lines.append(
                    f'  {s["segments_measured"]} segments found before the '
                    'flush: latency mean '
                    f'{s["segment_latency_frames_mean"]:.1f}, max '
                    f'{s["segment_latency_frames_max"]:.0f} frames')
        return '\n'.join(lines)


def stream_settings(stream: SkeletonStream) -> Dict:
    """The settings that decide a stream's cost and latency."""
    if isinstance(stream, StreamingDetector):
        out = dict(mode=stream.mode, window=stream.clip_len)
        if stream.mode == 'stitched':
            out['stride'] = stream.stride
        else:
            out['hop'] = stream.hop
        out['rule'] = dict(stream.rule)
        return out
    return dict(
        window=getattr(stream, 'window', stream.capacity),
        interval=getattr(stream, 'interval', 1))


def synthetic_sequence(
        stream: SkeletonStream,
        num_frames: int,
        seed: int = 0) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """A sequence of ``num_frames`` frames the stream's model takes.

    Returns:
        tuple: ``keypoint (M, T, V, C)`` and ``keypoint_score (M, T, V)``
        (None for 3D input).
    """
    expected = stream.expected
    two_d = expected.dims == 2  # pixels with a score channel
    if expected.num_joints == 25 and expected.layout in (None, 'nturgb+d'):
        dim = 2 if two_d else 3
        parts, scores, total, index = [], [], 0, 0
        while total < num_frames:
            anno = generate_untrimmed(
                num_sequences=1, num_subjects=3, seed=seed + index,
                dim=dim)['annotations'][0]
            parts.append(anno['keypoint'])
            scores.append(anno.get('keypoint_score'))
            total += anno['keypoint'].shape[1]
            index += 1
        # [(1, T_i, V, C)] -> (1, sum T_i, V, C), cut to num_frames
        kp = np.concatenate(parts, axis=1)[:, :num_frames]
        sc = np.concatenate(scores, axis=1)[:, :num_frames] \
            if dim == 2 else None
        return kp.astype(np.float32), sc
    rng = np.random.default_rng(seed)
    v = expected.num_joints
    c = expected.in_channels - 1 if two_d else expected.in_channels
    base = rng.uniform(200, 800,
                       (1, 1, v,
                        c)) if two_d else rng.normal(0, 0.3, (1, 1, v, c))
    step = 2.0 if two_d else 0.01
    # (1, T, V, C): a random walk of the joints around a random pose
    kp = base + np.cumsum(rng.normal(0, step, (1, num_frames, v, c)), axis=1)
    sc = np.full((1, num_frames, v), 0.9, np.float32) if two_d else None
    return kp.astype(np.float32), sc


def benchmark_streaming(stream: SkeletonStream,
                        keypoint: np.ndarray,
                        keypoint_score: Optional[np.ndarray] = None,
                        fps: float = 30.,
                        warmup: bool = True) -> StreamingBenchmark:
    """Push ``keypoint (M, T, V, C)`` frame by frame and time it.

    Args:
        stream (SkeletonStream): A fresh stream (it is reset first).
        keypoint (np.ndarray): ``(M, T, V, C)`` frames to push.
        keypoint_score (np.ndarray, optional): ``(M, T, V)`` scores of 2D
            keypoints.
        fps (float): The input rate for the millisecond latencies.
        warmup (bool): Push one window's worth of frames and flush before
            timing, so one-off costs (allocations, first calls) stay out.

    Returns:
        StreamingBenchmark: The measurements.
    """
    if fps <= 0:
        raise ValueError(f'fps must be positive, got {fps}')
    keypoint = np.asarray(keypoint, np.float32)
    num_frames = keypoint.shape[1]

    def frame(t: int):
        score = keypoint_score[:, t] if keypoint_score is not None else None
        return keypoint[:, t], score

    stream.reset()
    if warmup:
        for t in range(min(num_frames, stream.capacity)):
            stream.push(*frame(t))
        stream.flush()
    push_ms, segment_latency, segments = [], [], 0
    final_at = np.full(num_frames, -1, np.int64)  # push making a score final
    for t in range(num_frames):
        start = time.perf_counter()
        update = stream.push(*frame(t))
        push_ms.append((time.perf_counter() - start) * 1000.)
        final_at[update.frames] = t
        segment_latency += [int(s.latency) for s in update.segments]
        segments += len(update.segments)
    start = time.perf_counter()
    update = stream.flush()
    flush_ms = (time.perf_counter() - start) * 1000.
    segments += len(update.segments)
    detector = isinstance(stream, StreamingDetector)
    latency_frames: List[int] = []
    latency_ms: List[float] = []
    if detector:
        delay = stream.segmenter.delay
        # (T - delay, ): the push that reports an action ending at f
        report = final_at[delay:]
        valid = report >= 0
        if stream.mode == 'trailing':
            # the first full window reports the frames before it at once:
            # only ends whose closing frame comes after it
            closing = np.arange(len(report)) + delay
            valid &= closing >= stream.capacity - 1
        ends = np.flatnonzero(valid)
        latency_frames = (report[ends] - ends).tolist()
        push = np.asarray(push_ms)
        latency_ms = (np.asarray(latency_frames) * 1000. / fps +
                      push[report[ends]]).tolist()
    return StreamingBenchmark(
        kind='detector' if detector else 'recognizer',
        settings=stream_settings(stream),
        frames=num_frames,
        fps=float(fps),
        push_ms=push_ms,
        flush_ms=flush_ms,
        latency_frames=latency_frames,
        latency_ms=latency_ms,
        segment_latency=segment_latency,
        latency_bound=stream.latency if detector else None,
        segments=segments)


def measure_stream(config: str,
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[Dict] = None,
                   frames: int = 600,
                   fps: float = 30.,
                   mode: Optional[str] = None,
                   hop: int = 1,
                   window: Optional[int] = None,
                   interval: Optional[int] = None,
                   seed: int = 0) -> StreamingBenchmark:
    """Build the stream a config makes and run :func:`benchmark_streaming`
    on a :func:`synthetic_sequence` of ``frames`` frames.

    Args:
        config (str): Model config; a ``DenseFrameHead`` model streams as a
            detector (``mode``, ``hop``), any other recognizer as a
            recognizer (``window``, ``interval``).
        checkpoint (str, optional): Weights; random initialisation
            otherwise (the cost is the same, the segments found differ).
        device (str): Where the model runs.
        cfg_options (dict, optional): Config overrides.
        frames (int): Frames pushed and timed.
        fps (float): Input rate the millisecond latencies assume.
        seed (int): Seed of the initialisation and the sequence.
    """
    # imported here: mmengine's runner is not needed by the measurement
    from mmengine.runner import set_random_seed

    from usdrl_mm.apis import init_model
    from usdrl_mm.apis.streaming import stream_for
    if frames < 1:
        raise ValueError(f'frames must be >= 1, got {frames}')
    set_random_seed(seed)
    model = init_model(config, checkpoint, device, cfg_options)
    dense = type(getattr(model, 'cls_head', None)).__name__ == \
        'DenseFrameHead'
    options = dict(
        mode=mode, hop=hop) if dense else dict(
            window=window, interval=interval)
    # the synthetic sequence is one person in a known order: no tracking
    stream = stream_for(model, tracking=None, **options)
    keypoint, score = synthetic_sequence(stream, frames, seed)
    return benchmark_streaming(stream, keypoint, score, fps=fps)
