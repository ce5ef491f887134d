"""Synthetic skeleton action data: the project's embedded default dataset.

Real skeleton datasets (NTU RGB+D, PKU-MMD) need a licence and a large
download, so the demo training, the tests and the dense tasks run on
generated data instead: articulated NTU-25 bodies driven by a library of
parametric actions, seen by three NTU-style cameras, written as MMAction2
PoseDataset pickles. ``tools/data/generate_synthetic.py`` writes them from
the command line.
"""
from .actions import ACTION_NAMES, ACTIONS, NUM_ACTIONS, ActionSpec
from .body import BodyModel, forward_kinematics, subject_body
from .generator import (CAMERA_AZIMUTHS, IMG_SHAPE, XVIEW_TRAIN_CAMERAS,
                        generate_trimmed, generate_untrimmed, output_paths,
                        project_to_image, write_synthetic_dataset,
                        xsub_train_subjects)

__all__ = [
    'ACTION_NAMES', 'ACTIONS', 'NUM_ACTIONS', 'ActionSpec', 'BodyModel',
    'forward_kinematics', 'subject_body', 'CAMERA_AZIMUTHS', 'IMG_SHAPE',
    'XVIEW_TRAIN_CAMERAS', 'generate_trimmed', 'generate_untrimmed',
    'output_paths', 'project_to_image', 'write_synthetic_dataset',
    'xsub_train_subjects'
]
