"""Settings, one module per environment: base, local (embedded default), test, production."""
