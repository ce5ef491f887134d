"""MediaPipe Pose landmarks (33 per person, JSON) -> per-frame people.

MediaPipe has no file format of its own; this reader takes one JSON file
per video holding what ``PoseLandmarker`` returns, serialised as plain
lists and dicts:

- the top level is a list with one entry per frame, or an object with
  such a list under ``"frames"``;
- a frame is a list of 33 landmarks (one person), a list of such lists
  (several people, ``pose_landmarks`` of the Tasks API), an empty list (no
  person), or an object holding one of those under ``"pose_landmarks"`` or
  ``"landmarks"`` (other fields such as a frame index are ignored);
- a landmark is ``{"x": .., "y": .., "z": .., "visibility": ..}`` or a list
  ``[x, y, z, visibility]`` / ``[x, y]``.

``x`` and ``y`` are normalised to [0, 1] by the image width and height, so
the image size must be given; ``z`` is dropped. The score is
``visibility`` (else ``presence``, else 1).
"""
from numbers import Real
from typing import Any, List, Sequence, Tuple

import numpy as np

from .pose2d import Frame, load_json, person_arrays, stack_frame

MEDIAPIPE_JOINTS = 33


def _landmark(mark: Any, where: str) -> Tuple[float, float, float]:
    """``(x, y, score)`` of one landmark."""
    if isinstance(mark, dict):
        if 'x' not in mark or 'y' not in mark:
            raise ValueError(f'{where}: a landmark needs "x" and "y", got '
                             f'keys {sorted(mark)}')
        score = mark.get('visibility', mark.get('presence', 1.0))
        values = (mark['x'], mark['y'], score)
    elif isinstance(mark, (list, tuple)) and len(mark) in (2, 3, 4):
        values = (mark[0], mark[1], mark[3] if len(mark) == 4 else 1.0)
    else:
        raise ValueError(f'{where}: a landmark must be an object with x, y '
                         'or a list [x, y(, z, visibility)]')
    if not all(
            isinstance(v, Real) and not isinstance(v, bool) for v in values):
        raise ValueError(f'{where}: non-numeric landmark {mark!r}')
    return values


def _people(frame: Any, where: str) -> List[Sequence]:
    """The landmark lists of the people of one frame entry."""
    if isinstance(frame, dict):
        for key in ('pose_landmarks', 'landmarks'):
            if key in frame:
                frame = frame[key]
                break
        else:
            raise ValueError(f'{where}: a frame object needs '
                             f'"pose_landmarks" or "landmarks", got keys '
                             f'{sorted(frame)}')
    if frame is None:
        return []
    if not isinstance(frame, list):
        raise ValueError(f'{where}: expected a list of landmarks, got '
                         f'{type(frame).__name__}')
    if frame and isinstance(frame[0], list) and frame[0] \
            and isinstance(frame[0][0], (dict, list)):
        return frame  # several people
    return [frame] if frame else []


def read_mediapipe_file(path: str,
                        img_shape: Tuple[int, int],
                        num_joints: int = MEDIAPIPE_JOINTS) -> List[Frame]:
    """The frames of one MediaPipe JSON file, keypoints in pixels.

    Args:
        path (str): The file (format in the module docstring).
        img_shape (tuple[int, int]): ``(height, width)`` of the video.
        num_joints (int, optional): Landmarks per person (33).

    Raises:
        ValueError: On invalid JSON or landmarks, naming the frame, person
            and landmark.
    """
    h, w = img_shape
    obj = load_json(path)
    if isinstance(obj, dict) and 'frames' in obj:
        obj = obj['frames']
    if not isinstance(obj, list):
        raise ValueError(f'{path}: expected a list of frames (or an object '
                         f'with "frames"), got {type(obj).__name__}')
    if not obj:
        raise ValueError(f'{path}: no frames')
    frames = []
    for t, frame in enumerate(obj):
        people = []
        for p, marks in enumerate(_people(frame, f'{path}: frame {t}')):
            where = f'{path}: frame {t} person {p}'
            if not isinstance(marks, list):
                raise ValueError(f'{where}: expected a list of landmarks')
            xys = np.asarray([
                _landmark(m, f'{where} landmark {j}')
                for j, m in enumerate(marks)
            ], np.float32).reshape(-1, 3)
            # normalised (x, y) -> pixels
            kp = xys[:, :2] * np.array([w, h], np.float32)
            people.append(person_arrays(kp, xys[:, 2], num_joints, where))
        frames.append(stack_frame(people, num_joints))
    return frames
