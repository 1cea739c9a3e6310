from .invitation import Invitation  # noqa: F401 (a model of this app: imported so Django registers it)
