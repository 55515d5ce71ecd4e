from .urls import register

__all__ = ["register"]
