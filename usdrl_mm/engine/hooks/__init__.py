from .compile_hook import CompileModulesHook

__all__ = ['CompileModulesHook']
