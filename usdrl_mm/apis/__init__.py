"""Inference and export entry points for notebooks and scripts."""
from .export import export_onnx, verify_onnx
from .inference import (extract_features, inference_detector,
                        inference_recognizer, inference_segmentor, init_model,
                        label_runs)
from .skeleton_input import (FORMATS, ModelInput, SkeletonFile, check_skeleton,
                             detect_format, load_skeletons)

__all__ = [
    'init_model', 'extract_features', 'inference_recognizer',
    'inference_detector', 'inference_segmentor', 'label_runs', 'FORMATS',
    'ModelInput', 'SkeletonFile', 'check_skeleton', 'detect_format',
    'load_skeletons', 'export_onnx', 'verify_onnx'
]
