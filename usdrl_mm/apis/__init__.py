"""Inference and export entry points for notebooks and scripts, and the
config, label-map and argument helpers the tools share."""
from .arguments import parse_encoder
from .config_lookup import (dataset_cfg, evaluator_cfgs, find_evaluator,
                            load_config, proposal_rule, segmentation_smooth)
from .export import export_onnx, verify_onnx
from .inference import (extract_features, inference_detector,
                        inference_recognizer, inference_segmentor, init_model,
                        label_runs)
from .label_map import check_label_map, read_label_map
from .skeleton_input import (FORMATS, ModelInput, SkeletonFile, check_skeleton,
                             detect_format, load_skeletons)
from .streaming import (Segment, SkeletonStream, StreamingDetector,
                        StreamingRecognizer, StreamUpdate, init_stream)

__all__ = [
    'init_model', 'extract_features', 'inference_recognizer',
    'inference_detector', 'inference_segmentor', 'label_runs', 'FORMATS',
    'ModelInput', 'SkeletonFile', 'check_skeleton', 'detect_format',
    'load_skeletons', 'export_onnx', 'verify_onnx', 'SkeletonStream',
    'StreamingDetector', 'StreamingRecognizer', 'StreamUpdate', 'Segment',
    'init_stream', 'load_config', 'dataset_cfg', 'evaluator_cfgs',
    'find_evaluator', 'proposal_rule', 'segmentation_smooth', 'read_label_map',
    'check_label_map', 'parse_encoder'
]
