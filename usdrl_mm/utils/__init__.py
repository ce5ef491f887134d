from .launch import (adapt_amp_to_device, close_process_group, enable_amp,
                     init_cpu_process_group)

__all__ = [
    'adapt_amp_to_device', 'close_process_group', 'enable_amp',
    'init_cpu_process_group'
]
