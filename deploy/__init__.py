"""Building and deploying the stack: `make package` and `make deploy` (docs/deploy.md)."""
