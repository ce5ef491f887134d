"""Streaming inference: skeletons pushed one frame at a time (a webcam,
an RTSP feed or a robot running a pose estimator), with per-frame scores,
action segments as they close and window labels, in bounded memory.

    from usdrl_mm.apis import StreamingDetector

    stream = StreamingDetector.from_config(CONFIG, CHECKPOINT)
    for keypoints, scores in camera:  # (N, V, 2) pixels, (N, V)
        update = stream.push(keypoints, scores)
        for segment in update.segments:
            print(segment.label, segment.start, segment.end)
    stream.flush()

:class:`StreamingDetector` (dense models), :class:`StreamingRecognizer`
(clip classifiers), both :class:`SkeletonStream`; :func:`init_stream`
picks the one for a config.
"""
from .buffer import FrameBuffer
from .detector import MODES, StreamingDetector, config_rule
from .factory import init_stream, stream_for
from .frame_files import frame_files, read_pose_frame, replay_frames
from .recognizer import StreamingRecognizer
from .segments import METHODS, OnlineSegments, Segment
from .stream import SkeletonStream, StreamUpdate
from .tracker import PersonTracker

__all__ = [
    'FrameBuffer', 'MODES', 'METHODS', 'OnlineSegments', 'PersonTracker',
    'Segment', 'SkeletonStream', 'StreamUpdate', 'StreamingDetector',
    'StreamingRecognizer', 'config_rule', 'frame_files', 'init_stream',
    'read_pose_frame', 'replay_frames', 'stream_for'
]
