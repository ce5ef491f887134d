"""Skeleton frames and their GIF / MP4 writers."""
import cv2
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image, ImageSequence

from usdrl_mm.structures.skeleton_layout import get_layout
from usdrl_mm.visualization.skeleton_animation import (bone_segments,
                                                       project_to_2d,
                                                       render_skeleton_frames,
                                                       write_animation)

SIZE = 160
NTU = get_layout('nturgb+d')


def pose(seed: int = 0) -> np.ndarray:
    """(V, 3) joints of one made-up NTU body around (0, 0, 3)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(NTU.num_joints, 3)) * 0.3 + [0, 0, 3]


def walking(frames: int = 6, step: float = 0.2) -> np.ndarray:
    """(1, T, V, 3): the same pose moving right by ``step`` a frame."""
    shift = np.arange(frames)[:, None, None] * np.array([step, 0, 0])
    return (pose() + shift)[None]


def axes_area(frames: np.ndarray) -> np.ndarray:
    """The part below the two title lines."""
    return frames[:, 50:]


def near(frame: np.ndarray, color: str, tol: int = 30) -> np.ndarray:
    """(H, W, 3) -> (H, W): pixels of about ``color``."""
    rgb = np.array(to_rgb(color)) * 255
    return np.abs(frame.astype(float) - rgb).max(-1) < tol


def pixels_near(frame: np.ndarray, color: str) -> int:
    return int(near(frame, color).sum())


def test_bones_are_joint_parent_pairs():
    points = np.array([[0., 0.], [1., 0.], [1., 2.]])  # (V, 2)
    segments = bone_segments(points, parents=(0, 0, 1))
    # joint 0 is its own parent: no bone
    np.testing.assert_array_equal(segments,
                                  [[[1, 0], [0, 0]], [[1, 2], [1, 0]]])
    assert bone_segments(np.zeros((2, 3, 25, 2)),
                         NTU.parents).shape == (2, 3, 24, 2, 2)


def test_projection():
    kp = np.zeros((1, 1, 2, 3))
    kp[0, 0, 0] = [0, 0, 2]  # near
    kp[0, 0, 1] = [0, 0, 4]  # far, right behind it
    np.testing.assert_array_equal(project_to_2d(kp, 'xy'), kp[..., :2])
    near, far = project_to_2d(kp, 'oblique')[0, 0]
    assert far[1] > near[1]  # seen from above, the far joint is higher
    assert not np.allclose(far[0], near[0])  # and turned sideways
    flat = np.ones((1, 2, 3, 2))
    np.testing.assert_array_equal(project_to_2d(flat, 'oblique'), flat)
    with pytest.raises(ValueError, match='view'):
        project_to_2d(kp, 'top')


def test_frames_follow_the_motion_within_fixed_limits():
    frames = render_skeleton_frames(walking(), title='walk', size=SIZE)
    assert frames.shape == (6, SIZE, SIZE, 3) and frames.dtype == np.uint8
    columns = [np.nonzero(near(f, 'C0'))[1].mean() for f in frames]
    # limits are fixed over the clip, so the body moves right on screen
    assert np.all(np.diff(columns) > 1), columns
    # a still body gives the same picture below the changing counter
    still = render_skeleton_frames(
        np.repeat(walking()[:, :1], 3, axis=1), title='walk', size=SIZE)
    assert np.array_equal(axes_area(still)[0], axes_area(still)[2])
    assert not np.array_equal(still[0], still[2])  # frame 1/3 vs 3/3


def test_persons_get_colours_and_padding_is_hidden():
    kp = np.stack([walking()[0], walking()[0] + [0, 1.5, 0]])  # (2, T, V, 3)
    kp[1, 3:] = 0  # the second person leaves after frame 3
    frames = render_skeleton_frames(kp, size=SIZE)
    assert pixels_near(frames[0], 'C0') > 20
    assert pixels_near(frames[0], 'C1') > 20
    assert pixels_near(frames[4], 'C0') > 20
    assert pixels_near(frames[4], 'C1') == 0


def test_image_coordinates_point_down():
    coco = get_layout('coco')
    kp = np.zeros((1, 1, coco.num_joints, 2))
    kp[0, 0, :, 0] = np.linspace(0, 100, coco.num_joints)
    kp[0, 0, 1:, 1] = 100.0  # every joint but the nose on one image row

    def median_row(y_down=None) -> float:
        frame = render_skeleton_frames(
            kp, layout='coco', size=SIZE, y_down=y_down)
        drawn = near(frame[0], 'C0')  # (H, W) the person's pixels
        return float(np.median(np.nonzero(drawn)[0]) / drawn.shape[0])

    # pixel coordinates: the row of y = 100 is drawn below the nose at
    # y = 0, so most drawn pixels are low; flipped, they are high
    assert median_row() > median_row(y_down=False) + 0.2


def test_layout_must_match():
    with pytest.raises(ValueError, match='V=17'):
        render_skeleton_frames(walking(), layout='coco')


def test_gif_round_trip(tmp_path):
    frames = render_skeleton_frames(walking(), size=SIZE)
    out = write_animation(frames, str(tmp_path / 'a' / 'walk.gif'), fps=10)
    with Image.open(out) as gif:
        assert gif.format == 'GIF' and gif.size == (SIZE, SIZE)
        assert gif.n_frames == 6
        assert gif.info['duration'] == 100  # ms at 10 fps
        back = np.stack([
            np.asarray(f.convert('RGB')) for f in ImageSequence.Iterator(gif)
        ])
    # a palette of few colours: close to the rendered frames
    assert np.abs(back.astype(int) - frames).mean() < 2


def test_mp4_round_trip(tmp_path):
    frames = render_skeleton_frames(walking(), size=SIZE)
    out = write_animation(frames, str(tmp_path / 'walk.mp4'), fps=12)
    video = cv2.VideoCapture(out)
    try:
        assert video.get(cv2.CAP_PROP_FRAME_COUNT) == 6
        assert video.get(cv2.CAP_PROP_FPS) == pytest.approx(12)
        read = []
        ok, frame = video.read()
        while ok:
            read.append(frame[..., ::-1])  # BGR -> RGB
            ok, frame = video.read()
    finally:
        video.release()
    assert len(read) == 6 and read[0].shape == (SIZE, SIZE, 3)
    assert np.abs(np.stack(read).astype(int) - frames).mean() < 10


def test_writer_rejects_bad_input(tmp_path):
    frames = np.zeros((2, 8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match='.gif or an .mp4'):
        write_animation(frames, str(tmp_path / 'a.avi'))
    with pytest.raises(ValueError, match='uint8'):
        write_animation(frames.astype(float), str(tmp_path / 'a.gif'))


def test_chosen_frames_are_the_same_pictures_as_in_the_whole_clip():
    whole = render_skeleton_frames(walking(), size=SIZE)
    chosen = render_skeleton_frames(walking(), size=SIZE, frames=[0, 4])
    # same limits and counters as in the whole clip: identical pictures
    np.testing.assert_array_equal(chosen, whole[[0, 4]])
    with pytest.raises(ValueError, match=r'frames \[6\] out of range'):
        render_skeleton_frames(walking(), size=SIZE, frames=[1, 6])
