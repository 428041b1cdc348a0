"""mirai-lod: publish Japanese regional future-technology programs as linked open data."""
