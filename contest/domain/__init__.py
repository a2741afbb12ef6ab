"""Pure contest rules: drawing, timing, scoring. No Flask, no SQLAlchemy; clock and rng are parameters."""
