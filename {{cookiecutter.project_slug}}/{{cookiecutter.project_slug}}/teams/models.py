"""The teams app's models: tables of the platform, outside every tenant (memberships are tenancy's)."""
