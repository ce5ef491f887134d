"""Animated renderings of one skeleton sample.

:func:`render_skeleton_frames` draws an MMAction2 ``(M, T, V, C)`` sample
frame by frame into RGB arrays (bones from the layout's parents, one colour
per person, axis limits fixed over the clip) and :func:`write_animation`
writes them as a GIF (matplotlib's ``PillowWriter``) or an MP4 (OpenCV's
``VideoWriter`` with the ``mp4v`` codec, no ffmpeg needed).
"""
import os
import os.path as osp
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from usdrl_mm.structures.skeleton_layout import SkeletonLayout, get_layout

VIEWS = ('xy', 'oblique')
# the oblique camera: turned about the vertical axis, then looking down, so
# that farther joints are drawn higher
OBLIQUE_YAW_DEG = 35.0
OBLIQUE_PITCH_DEG = 20.0


def _rotation(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """(3, 3) rotation: ``yaw`` about y (up), then ``pitch`` about x
    (positive ``pitch`` lifts points of larger z)."""
    a, b = np.deg2rad(yaw_deg), np.deg2rad(pitch_deg)
    yaw = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0],
                    [-np.sin(a), 0, np.cos(a)]])
    pitch = np.array([[1, 0, 0], [0, np.cos(b), np.sin(b)],
                      [0, -np.sin(b), np.cos(b)]])
    return pitch @ yaw


def project_to_2d(keypoint: np.ndarray, view: str = 'xy') -> np.ndarray:
    """``(M, T, V, C) -> (M, T, V, 2)`` drawing coordinates.

    2D data passes through. 3D data is seen along z: ``'xy'`` drops z,
    ``'oblique'`` first turns the skeleton by :data:`OBLIQUE_YAW_DEG` about
    the vertical (y) axis and tilts it by :data:`OBLIQUE_PITCH_DEG`, so
    depth shows as sideways and vertical offsets. Rotating about the clip's
    mean keeps the body in view.
    """
    if view not in VIEWS:
        raise ValueError(f'view must be one of {VIEWS}, got {view!r}')
    keypoint = np.asarray(keypoint, dtype=np.float64)
    if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3):
        raise ValueError('need an (M, T, V, C) skeleton with C = 2 or 3, '
                         f'got shape {keypoint.shape}')
    if keypoint.shape[-1] == 2 or view == 'xy':
        return keypoint[..., :2].copy()
    present = _present(keypoint)  # (M, T)
    center = keypoint[present].reshape(-1, 3).mean(0) if present.any() \
        else np.zeros(3)
    turned = (keypoint - center) @ _rotation(OBLIQUE_YAW_DEG,
                                             OBLIQUE_PITCH_DEG).T + center
    return turned[..., :2]


def _present(keypoint: np.ndarray) -> np.ndarray:
    """``(M, T, V, C) -> (M, T)``: whether a person is in a frame (padded
    persons and frames are all zeros)."""
    return np.abs(keypoint).reshape(*keypoint.shape[:2], -1).sum(-1) > 0


def bone_segments(points: np.ndarray, parents: Sequence[int]) -> np.ndarray:
    """``(..., V, 2) -> (..., B, 2, 2)``: ``(joint, parent)`` point pairs of
    the ``B`` joints that are not their own parent."""
    child = np.array([v for v, p in enumerate(parents) if v != p])
    parent = np.asarray(parents)[child]
    return np.stack([points[..., child, :], points[..., parent, :]], axis=-2)


def _limits(points: np.ndarray, present: np.ndarray,
            margin: float) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    """Square x and y limits around every present point of the clip."""
    shown = points[present]  # (P, V, 2)
    if shown.size == 0:
        return (-1.0, 1.0), (-1.0, 1.0)
    low, high = shown.reshape(-1, 2).min(0), shown.reshape(-1, 2).max(0)
    center = (low + high) / 2
    half = max(float((high - low).max()) / 2, 1e-6) * (1 + margin)
    return ((center[0] - half, center[0] + half), (center[1] - half,
                                                   center[1] + half))


def render_skeleton_frames(
        keypoint: np.ndarray,
        layout: Union[str, SkeletonLayout] = 'nturgb+d',
        view: str = 'xy',
        title: str = '',
        size: int = 480,
        y_down: Optional[bool] = None,
        margin: float = 0.1,
        frames: Optional[Sequence[int]] = None) -> np.ndarray:
    """Draw every frame (or the chosen ``frames``) of a skeleton sample.

    Args:
        keypoint (np.ndarray): ``(M, T, V, C)`` joints, ``C`` = 2 or 3;
            all-zero persons in a frame (padding) are not drawn.
        layout (str | SkeletonLayout): Topology; ``V`` must match it.
        view (str): ``'xy'`` or ``'oblique'`` (3D only, see
            :func:`project_to_2d`).
        title (str): First title line; the second is the frame counter.
        size (int): Frame width and height in pixels.
        y_down (bool, optional): Whether y grows downwards (image
            coordinates). Defaults to ``C == 2``: 2D keypoints are pixel
            coordinates, 3D ones (Kinect) have y up.
        margin (float): Space around the clip's extent, as a fraction.
        frames (list[int], optional): Draw only these frame indices (the
            axis limits and the counters still refer to the whole clip).

    Returns:
        np.ndarray: ``(T, size, size, 3)`` uint8 RGB frames, or one per
        index of ``frames``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    layout = get_layout(layout)
    keypoint = np.asarray(keypoint)
    if keypoint.ndim != 4 or keypoint.shape[2] != layout.num_joints:
        raise ValueError(f'need (M, T, V={layout.num_joints}, C) joints for '
                         f'layout {layout.name!r}, got shape '
                         f'{keypoint.shape}')
    if not np.isfinite(keypoint).all():
        raise ValueError('the skeleton holds NaN or inf coordinates')
    num_persons, num_frames = keypoint.shape[:2]
    chosen = range(num_frames) if frames is None else [int(t) for t in frames]
    bad = [t for t in chosen if not 0 <= t < num_frames]
    if bad:
        raise ValueError(f'frames {bad} out of range for a clip of '
                         f'{num_frames} frames')
    if y_down is None:
        y_down = keypoint.shape[-1] == 2
    present = _present(keypoint)  # (M, T)
    points = project_to_2d(keypoint, view)  # (M, T, V, 2)
    segments = bone_segments(points, layout.parents)  # (M, T, B, 2, 2)
    xlim, ylim = _limits(points, present, margin)

    dpi = 100
    fig = Figure(figsize=(size / dpi, size / dpi), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    lines = title.count('\n') + 2 if title else 1  # title + frame counter
    head = (16 * lines + 10) / size  # 9 pt lines are 12.5 px at 100 dpi
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96 - head))
    ax.set_xlim(*xlim)
    ax.set_ylim(*(ylim[::-1] if y_down else ylim))
    ax.set_aspect('equal')
    ax.set_xticks([])
    ax.set_yticks([])
    colors = [f'C{m % 10}' for m in range(num_persons)]
    bones = [
        ax.add_collection(LineCollection([], colors=c, linewidths=2))
        for c in colors
    ]
    joints = [ax.plot([], [], 'o', color=c, markersize=3)[0] for c in colors]
    heading = fig.suptitle('', fontsize=9)

    drawn = []
    for t in chosen:
        for m in range(num_persons):
            shown = bool(present[m, t])
            bones[m].set_segments(segments[m, t] if shown else [])
            joints[m].set_data(*(points[m, t].T if shown else ([], [])))
        counter = f'frame {t + 1}/{num_frames}'
        heading.set_text(f'{title}\n{counter}' if title else counter)
        canvas.draw()
        drawn.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return np.stack(drawn)  # (T, H, W, 3)


def write_animation(frames: np.ndarray, out_file: str, fps: float = 15) -> str:
    """Write ``(T, H, W, 3)`` uint8 RGB frames as ``.gif`` or ``.mp4``.

    GIFs go through matplotlib's ``PillowWriter`` (the frames shown with
    ``figimage`` on a figure of exactly ``W x H`` pixels), MP4s through
    OpenCV's ``VideoWriter`` with the ``mp4v`` codec.

    Returns:
        str: ``out_file``.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError('need (T, H, W, 3) uint8 frames, got '
                         f'{frames.shape} {frames.dtype}')
    if fps <= 0:
        raise ValueError(f'fps must be positive, got {fps}')
    ext = osp.splitext(out_file)[1].lower()
    if ext not in ('.gif', '.mp4'):
        raise ValueError(f'write a .gif or an .mp4, got {out_file!r}')
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    height, width = frames.shape[1:3]
    if ext == '.gif':
        from matplotlib.animation import PillowWriter
        from matplotlib.figure import Figure

        # one inch per pixel at dpi 1, so the figure is exactly W x H
        fig = Figure(figsize=(width, height), dpi=1)
        image = fig.figimage(frames[0])
        writer = PillowWriter(fps=fps)
        with writer.saving(fig, out_file, dpi=1):
            for frame in frames:
                image.set_data(frame)
                writer.grab_frame()
        return out_file

    import cv2
    video = cv2.VideoWriter(out_file, cv2.VideoWriter_fourcc(*'mp4v'),
                            float(fps), (width, height))
    if not video.isOpened():
        raise RuntimeError(f'OpenCV cannot write {out_file} with the mp4v '
                           'codec; write a .gif instead')
    try:
        for frame in frames:
            video.write(np.ascontiguousarray(frame[..., ::-1]))  # RGB->BGR
    finally:
        video.release()
    return out_file
