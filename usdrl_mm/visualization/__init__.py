from .timeline import plot_timeline, plot_timelines

__all__ = ['plot_timeline', 'plot_timelines']
