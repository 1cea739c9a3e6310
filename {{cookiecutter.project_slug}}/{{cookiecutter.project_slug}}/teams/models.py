"""The teams app's models: tables of the platform, outside every tenant (memberships are tenancy's)."""

from .invitation import Invitation  # noqa: F401 (a model of this app: imported so Django registers it)
