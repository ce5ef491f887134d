from .io import atomic_dump
from .mediapipe import read_mediapipe_file
from .mmpose_coco import frames_from_mmpose, read_mmpose_file
from .ntu_rgbd import (BodyTrack, NTUName, arrange_bodies, convert_ntu_rgbd,
                       most_energetic_slots, ntu_splits, parse_ntu_name,
                       read_name_list, read_ntu_skeleton, select_bodies,
                       select_bodies_by_order)
from .openpose import (find_openpose_videos, read_openpose_frame,
                       read_openpose_video)
from .pku_mmd import (convert_pku_mmd, parse_split_file, read_pku_labels,
                      read_pku_skeleton, trim_instances)
from .pose2d import (convert_pose_videos, read_label_file, read_split_file,
                     track_people)
from .report import ConversionReport
from .select_joints import joint_index, select_joints, select_sample_joints
from .skeleton_npy import (convert_skeleton_npy, load_npy_labels,
                           valid_frame_count)

__all__ = [
    'BodyTrack', 'ConversionReport', 'NTUName', 'arrange_bodies',
    'atomic_dump', 'convert_ntu_rgbd', 'convert_pku_mmd',
    'convert_pose_videos', 'convert_skeleton_npy', 'find_openpose_videos',
    'frames_from_mmpose', 'load_npy_labels', 'ntu_splits', 'parse_ntu_name',
    'parse_split_file', 'read_label_file', 'read_mediapipe_file',
    'read_mmpose_file', 'read_name_list', 'read_ntu_skeleton',
    'read_openpose_frame', 'read_openpose_video', 'read_pku_labels',
    'read_pku_skeleton', 'read_split_file', 'most_energetic_slots',
    'select_bodies', 'select_bodies_by_order', 'track_people',
    'trim_instances', 'valid_frame_count', 'joint_index', 'select_joints',
    'select_sample_joints'
]
