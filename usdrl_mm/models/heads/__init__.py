from .mgfd_head import MGFDHead

__all__ = ['MGFDHead']
