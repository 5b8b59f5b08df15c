"""The world a deal meets, none of it negotiated: scenario, distributions, what-if scripts,
presets."""
