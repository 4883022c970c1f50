"""The register: projects, buildings, dwellings, households and the per-household file (一户一档)."""
