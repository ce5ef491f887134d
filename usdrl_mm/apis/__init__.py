"""Inference entry points for notebooks and scripts."""
from .inference import (extract_features, inference_detector,
                        inference_recognizer, inference_segmentor, init_model)

__all__ = [
    'init_model', 'extract_features', 'inference_recognizer',
    'inference_detector', 'inference_segmentor'
]
