from .instance_vicreg_head import InstanceVICRegHead

__all__ = ['InstanceVICRegHead']
