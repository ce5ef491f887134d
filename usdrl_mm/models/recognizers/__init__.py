from .usdrl_recognizer import USDRLRecognizer

__all__ = ['USDRLRecognizer']
