"""Inference and export entry points for notebooks and scripts, and the
config, label-map and argument helpers the tools share.

MMAction2's inference API is here under its own names
(:func:`init_recognizer`, :func:`inference_skeleton`, returning an
``ActionDataSample``), beside the project's (:func:`init_model`,
:func:`inference_recognizer`, ... returning dicts and arrays)."""
from .arguments import parse_encoder
from .complexity import FLOPS_CONVENTION, recognizer_flops
from .config_lookup import (dataset_cfg, evaluator_cfgs, find_evaluator,
                            load_config, proposal_rule, segmentation_smooth)
from .export import export_onnx, verify_onnx
from .inference import (extract_features, inference_action_detector,
                        inference_action_segmentor, inference_detector,
                        inference_recognizer, inference_segmentor,
                        inference_skeleton, init_model, init_recognizer,
                        label_runs, pose_results_to_annotation)
from .label_map import check_label_map, read_label_map
from .skeleton_input import (FORMATS, ModelInput, SkeletonFile, check_skeleton,
                             detect_format, load_skeletons)
from .streaming import (Segment, SkeletonStream, StreamingDetector,
                        StreamingRecognizer, StreamUpdate, init_stream)

__all__ = [
    'init_model', 'init_recognizer', 'inference_skeleton',
    'pose_results_to_annotation', 'extract_features', 'inference_recognizer',
    'inference_action_detector', 'inference_detector',
    'inference_action_segmentor', 'inference_segmentor', 'label_runs',
    'FORMATS', 'ModelInput', 'SkeletonFile', 'check_skeleton', 'detect_format',
    'load_skeletons', 'export_onnx', 'verify_onnx', 'SkeletonStream',
    'StreamingDetector', 'StreamingRecognizer', 'StreamUpdate', 'Segment',
    'init_stream', 'load_config', 'dataset_cfg', 'evaluator_cfgs',
    'find_evaluator', 'proposal_rule', 'segmentation_smooth', 'read_label_map',
    'check_label_map', 'parse_encoder', 'recognizer_flops', 'FLOPS_CONVENTION'
]
